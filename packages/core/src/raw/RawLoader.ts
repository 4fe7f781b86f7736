/**
 * Loading a raw-descriptor program: its struct declarations (RawDecl.ts) become a local BTF and
 * CO-RE relocation records; CoreRelocator (libbpf 1.1.2 semantics) resolves them against the
 * bound driver's split BTF (on core's kernel base); each field then compiles to a fixed-offset
 * DataView accessor with the right byte order and bitfield shifts (datapath/RawAccessor.ts);
 * 8-byte fields and bitfields in 8-byte containers compile to u32-half accessors.
 *
 * Failures are RawLoadError, naming the program, the local type, the access string and the
 * target, with the relocator's reason: a required field the target lacks (libbpf would poison
 * the instruction, the verifier reject it), an incompatible field (e.g. a struct where an int
 * was declared), a field too wide to load as declared, an ambiguous flavor match, a driver with
 * no BTF. Optional fields the target lacks compile to an absent accessor (FIELD_EXISTS = 0).
 * Fixed-offset programs (fields with `at`) are not patched: their compiled-in offsets are checked
 * against the target, and any difference fails the load.
 */
import { Data, Effect, Result } from "effect"
import { type Btf, BtfBuilder, CoreRelocator, CoreReloKind, type MemberSpec, type TypeId } from "@devtx/bpf"
import type { DriverBtf } from "../driver/DriverBtf.js"
import { type RawAccessor, absentAccessor, bitfieldAccessor, plainAccessor } from "./datapath/RawAccessor.js"
import { type RawStructDecl, rawFieldBigEndian, rawFieldBytes } from "./RawDecl.js"

export class RawLoadError extends Data.TaggedError("RawLoadError")<{
  readonly program: string
  readonly localType: string
  readonly accessStr: string
  readonly field: string
  readonly target: string
  readonly reason: string
}> {
  override get message(): string {
    return `raw load of ${this.program}: ${this.localType}.${this.field} (access ${this.accessStr}) against ${this.target}: ${this.reason}`
  }
}

/** Compiled accessors, by struct name then field name. */
export type RawFieldTable = Readonly<Record<string, Readonly<Record<string, RawAccessor>>>>

interface LocalLayout {
  readonly btf: Btf
  readonly structIds: ReadonlyArray<TypeId>
}

/** The local BTF clang would emit for the declarations (standalone; layout sequential and naturally aligned). */
export const buildLocalBtf = (decls: ReadonlyArray<RawStructDecl>): LocalLayout => {
  const b = new BtfBuilder()
  const ints: Record<number, TypeId> = {
    1: b.addInt("unsigned char", 1),
    2: b.addInt("short unsigned int", 2),
    4: b.addInt("unsigned int", 4),
    8: b.addInt("long long unsigned int", 8)
  }
  const voidPtr = b.addPtr(0)
  const memberType = (t: RawStructDecl["fields"][number]["type"]): TypeId => (t === "ptr" ? voidPtr : ints[rawFieldBytes(t)]!)
  const structIds: TypeId[] = []
  for (const d of decls) {
    let bit = 0
    const members: MemberSpec[] = []
    for (const f of d.fields) {
      const size = rawFieldBytes(f.type)
      if (f.bits !== undefined) {
        if (Math.floor(bit / (size * 8)) !== Math.floor((bit + f.bits - 1) / (size * 8))) bit = Math.ceil(bit / (size * 8)) * size * 8
        members.push({ name: f.name, type: ints[size]!, bitOffset: d.union ? 0 : bit, bitfieldSize: f.bits })
        bit += d.union ? 0 : f.bits
      } else {
        bit = Math.ceil(bit / (size * 8)) * size * 8
        members.push({ name: f.name, type: memberType(f.type), bitOffset: d.union ? 0 : bit })
        bit += d.union ? 0 : size * 8
      }
    }
    // sized as clang would: a multiple of the widest member's alignment (at least 4, as before u64 fields)
    const align = Math.max(4, ...d.fields.map((f) => rawFieldBytes(f.type)))
    const bytes = Math.max(align, Math.ceil(bit / (align * 8)) * align)
    structIds.push(d.union ? b.addUnion(d.name, bytes, members) : b.addStruct(d.name, bytes, members))
  }
  const built = b.build()
  if (Result.isFailure(built)) throw new Error(`local BTF does not build: ${built.failure.message}`)
  return { btf: built.success.btf, structIds }
}

export interface RawLoadOptions {
  readonly program: string
  readonly structs: ReadonlyArray<RawStructDecl>
  readonly target: DriverBtf | undefined
  readonly driver: string
}

export const relocateRawProgram = (o: RawLoadOptions): Effect.Effect<RawFieldTable, RawLoadError> =>
  Effect.suspend(() => {
    const fail = (localType: string, field: string, accessStr: string, reason: string) =>
      Effect.fail(new RawLoadError({ program: o.program, localType, field, accessStr, target: o.driver, reason }))
    if (o.target === undefined) return fail("-", "-", "-", `driver ${o.driver} publishes no BTF`)
    const local = buildLocalBtf(o.structs)
    const relocator = new CoreRelocator(local.btf, o.target.split)
    const table: Record<string, Record<string, RawAccessor>> = {}
    let idx = 0
    for (let s = 0; s < o.structs.length; s++) {
      const decl = o.structs[s]!
      const typeId = local.structIds[s]!
      const out: Record<string, RawAccessor> = {}
      table[decl.name.replace(/___.*$/, "")] = out
      for (let i = 0; i < decl.fields.length; i++) {
        const f = decl.fields[i]!
        const accessStr = `0:${i}`
        const resolve = (kind: number) => relocator.resolve({ insnOff: idx * 8, typeId, accessStr, kind }, { reloIndex: idx++, progName: o.program })
        if (f.optional) {
          const ex = resolve(CoreReloKind.FieldExists)
          if (Result.isFailure(ex)) return fail(decl.name, f.name, accessStr, ex.failure.message)
          if (ex.success.newValue === 0n) {
            out[f.name] = absentAccessor
            continue
          }
        }
        const off = resolve(CoreReloKind.FieldByteOffset)
        if (Result.isFailure(off)) return fail(decl.name, f.name, accessStr, off.failure.message)
        if (off.success.poison)
          return fail(decl.name, f.name, accessStr, `no field matches in the target (libbpf poisons the access: ${off.success.localSpec})`)
        const size = resolve(CoreReloKind.FieldByteSize)
        if (Result.isFailure(size)) return fail(decl.name, f.name, accessStr, size.failure.message)
        const byteOff = Number(off.success.newValue)
        const byteSize = Number(size.success.newValue)
        if (byteSize !== 1 && byteSize !== 2 && byteSize !== 4 && byteSize !== 8)
          return fail(decl.name, f.name, accessStr, `target field is ${byteSize} bytes; a ${f.type} access loads 1, 2, 4 or 8`)
        if (f.bits === undefined && byteSize > rawFieldBytes(f.type))
          return fail(decl.name, f.name, accessStr, `wrong type size: target field is ${byteSize} bytes, declared ${f.type} (${rawFieldBytes(f.type)} bytes)`)
        let acc: RawAccessor
        let bitInByte = 0
        if (f.bits !== undefined) {
          const l = resolve(CoreReloKind.FieldLshiftU64)
          const r = resolve(CoreReloKind.FieldRshiftU64)
          if (Result.isFailure(l)) return fail(decl.name, f.name, accessStr, l.failure.message)
          if (Result.isFailure(r)) return fail(decl.name, f.name, accessStr, r.failure.message)
          const lshift = Number(l.success.newValue)
          const rshift = Number(r.success.newValue)
          if (64 - rshift !== f.bits)
            return fail(decl.name, f.name, accessStr, `wrong bitfield width: target ${64 - rshift} bits, declared ${f.bits}`)
          // libbpf (little-endian host): lshift = 64 - (bit offset in the container + width)
          acc = bitfieldAccessor(byteOff, byteSize, lshift, rshift, rawFieldBigEndian(f.type))
          bitInByte = 64 - lshift - f.bits
        } else {
          acc = plainAccessor(byteOff, byteSize, rawFieldBigEndian(f.type))
        }
        if (f.at !== undefined && (f.at !== byteOff || (f.atBit !== undefined && f.atBit !== bitInByte)))
          return fail(
            decl.name,
            f.name,
            accessStr,
            `fixed-offset program compiled with ${f.name} at byte ${f.at}${f.atBit !== undefined ? ` bit ${f.atBit}` : ""}; the target has it at byte ${byteOff}${f.bits !== undefined ? ` bit ${bitInByte}` : ""}`
          )
        out[f.name] = acc
      }
    }
    return Effect.succeed(table)
  })
