/**
 * The C view of a Btf, as `bpftool btf dump file X [-B base] format c` prints it: a port of
 * libbpf's btf_dump.c (v1.1) ordering and emission.
 *
 * Contract and algorithm (libbpf src/btf_dump.c):
 * - every id 1..typeCount-1 (base and split, as bpftool with -B) is passed to the orderer
 *   (btf_dump_order_type): a DFS that queues named structs/unions, enums, FWDs and typedefs
 *   after everything they embed by value; pointers only need a forward declaration;
 * - each queued type is emitted (btf_dump_emit_type), emitting forward declarations
 *   (`struct x;`) when a definition in progress refers back to it through a pointer;
 * - declarations use libbpf's declarator chain (btf_dump_emit_type_decl): pointers, arrays,
 *   function prototypes, const/volatile/restrict, type tags, inline anonymous structs/unions/enums;
 * - struct bodies get libbpf's explicit bit padding (`long: 64;`, `int: 0;`) and
 *   `__attribute__((packed))` when the layout shows packing; bitfields print as `type name: N`;
 * - duplicate names get libbpf's `___N` suffixes (struct/union/enum/fwd namespace, and the
 *   typedef + enumerator namespace), resolved lazily in emission order as libbpf does.
 * - FUNC, VAR, DATASEC and DECL_TAG produce no output (as in bpftool's format c).
 * Not ported: btf_dump_emit_missing_aliases (ARM NEON typedef aliases), mode(byte)/mode(word)
 * enum size attributes; the `__gnuc_va_list` fix-up and `__builtin_va_list` skip are ported.
 */
import type { Btf, BtfComposite, BtfEnum, BtfEnum64, BtfType, TypeId } from "./BtfType.js"
import { BtfKind, typeName } from "./BtfType.js"
import { alignOf, pointerSize, resolveSize } from "./BtfTypeQueries.js"
import { Result } from "effect"

// order states (0 = not ordered, the Uint8Array's initial value)
const ORDERING = 1
const ORDERED = 2
const NOT_EMITTED = 0
const EMITTING = 1
const EMITTED = 2

class CDumper {
  private readonly out: Array<string> = []
  private readonly orderState: Uint8Array
  private readonly emitState: Uint8Array
  private readonly fwdEmitted: Uint8Array
  private readonly referenced: Uint8Array
  private readonly resolvedNames = new Map<TypeId, string>()
  private readonly typeNames = new Map<string, number>()
  private readonly identNames = new Map<string, number>()
  private emitQueue: Array<TypeId> = []
  private readonly ptrSize: number

  constructor(private readonly btf: Btf) {
    const n = btf.typeCount
    this.orderState = new Uint8Array(n)
    this.emitState = new Uint8Array(n)
    this.fwdEmitted = new Uint8Array(n)
    this.referenced = new Uint8Array(n)
    // VOID is special: always ordered and emitted
    this.orderState[0] = ORDERED
    this.emitState[0] = EMITTED
    this.ptrSize = pointerSize(btf)
    this.markReferenced()
  }

  private t(id: TypeId): BtfType | undefined {
    return id === 0 ? undefined : this.btf.typeById(id)
  }
  private print(s: string): void {
    this.out.push(s)
  }

  /** btf_dump_mark_referenced */
  private markReferenced(): void {
    const mark = (id: TypeId) => {
      if (id < this.referenced.length) this.referenced[id] = 1
    }
    for (let id = 1; id < this.btf.typeCount; id++) {
      const t = this.t(id)!
      switch (t.kind) {
        case BtfKind.Volatile:
        case BtfKind.Const:
        case BtfKind.Restrict:
        case BtfKind.Ptr:
        case BtfKind.Typedef:
        case BtfKind.Func:
        case BtfKind.Var:
        case BtfKind.DeclTag:
        case BtfKind.TypeTag:
          mark(t.type)
          break
        case BtfKind.Array:
          mark(t.indexType)
          mark(t.type)
          break
        case BtfKind.Struct:
        case BtfKind.Union:
          for (const m of t.members) mark(m.type)
          break
        case BtfKind.FuncProto:
          for (const p of t.params) mark(p.type)
          break
        case BtfKind.Datasec:
          for (const v of t.vars) mark(v.type)
          break
        default:
          break
      }
    }
  }

  dumpAll(): string {
    for (let id = 1; id < this.btf.typeCount; id++) {
      this.emitQueue = []
      if (this.orderType(id, false) < 0) continue
      for (const q of this.emitQueue) this.emitType(q, 0)
    }
    return this.out.join("")
  }

  /** btf_dump_order_type: <0 error (unsatisfiable cycle), 0 weak, 1 strong */
  private orderType(id: TypeId, throughPtr: boolean): number {
    if (this.orderState[id] === ORDERED) return 1
    const t = this.t(id)
    if (t === undefined) return -1
    const named = typeName(t) !== ""
    if (this.orderState[id] === ORDERING) {
      if ((t.kind === BtfKind.Struct || t.kind === BtfKind.Union) && throughPtr && named) return 0
      return -1
    }
    switch (t.kind) {
      case BtfKind.Int:
      case BtfKind.Float:
        this.orderState[id] = ORDERED
        return 0
      case BtfKind.Ptr: {
        const err = this.orderType(t.type, true)
        this.orderState[id] = ORDERED
        return err
      }
      case BtfKind.Array:
        return this.orderType(t.type, false)
      case BtfKind.Struct:
      case BtfKind.Union: {
        if (throughPtr && named) return 0
        this.orderState[id] = ORDERING
        for (const m of t.members) {
          const err = this.orderType(m.type, false)
          if (err < 0) return err
        }
        if (named) this.emitQueue.push(id)
        this.orderState[id] = ORDERED
        return 1
      }
      case BtfKind.Enum:
      case BtfKind.Enum64:
      case BtfKind.Fwd:
        if (named || !this.referenced[id]) this.emitQueue.push(id)
        this.orderState[id] = ORDERED
        return 1
      case BtfKind.Typedef: {
        const isStrong = this.orderType(t.type, throughPtr)
        if (isStrong < 0) return isStrong
        if (throughPtr && !isStrong) return 0
        this.emitQueue.push(id)
        this.orderState[id] = ORDERED
        return 1
      }
      case BtfKind.Volatile:
      case BtfKind.Const:
      case BtfKind.Restrict:
      case BtfKind.TypeTag:
        return this.orderType(t.type, throughPtr)
      case BtfKind.FuncProto: {
        let err = this.orderType(t.returnType, throughPtr)
        if (err < 0) return err
        let isStrong = err > 0
        for (const p of t.params) {
          err = this.orderType(p.type, throughPtr)
          if (err < 0) return err
          if (err > 0) isStrong = true
        }
        return isStrong ? 1 : 0
      }
      default:
        // FUNC, VAR, DATASEC, DECL_TAG
        this.orderState[id] = ORDERED
        return 0
    }
  }

  private isBlacklisted(id: TypeId): boolean {
    const t = this.t(id)
    return t !== undefined && t.kind === BtfKind.Typedef && t.name === "__builtin_va_list"
  }

  /** btf_dump_emit_type */
  private emitType(id: TypeId, contId: TypeId): void {
    if (this.emitState[id] === EMITTED) return
    const t = this.t(id)
    if (t === undefined) return
    const topLevel = contId === 0
    if (this.emitState[id] === EMITTING) {
      if (this.fwdEmitted[id]) return
      if (t.kind === BtfKind.Struct || t.kind === BtfKind.Union) {
        if (id === contId) return
        if (t.name === "") return
        this.print(`${this.structFwd(id, t)};\n\n`)
        this.fwdEmitted[id] = 1
      } else if (t.kind === BtfKind.Typedef) {
        if (!this.isBlacklisted(id)) {
          this.emitTypedefDef(id, t.type, 0)
          this.print(";\n\n")
        }
        this.fwdEmitted[id] = 1
      }
      return
    }
    switch (t.kind) {
      case BtfKind.Int:
        this.emitState[id] = EMITTED
        break
      case BtfKind.Enum:
      case BtfKind.Enum64:
        if (topLevel) {
          this.emitEnumDef(id, t, 0)
          this.print(";\n\n")
        }
        this.emitState[id] = EMITTED
        break
      case BtfKind.Ptr:
      case BtfKind.Volatile:
      case BtfKind.Const:
      case BtfKind.Restrict:
      case BtfKind.TypeTag:
        this.emitType(t.type, contId)
        break
      case BtfKind.Array:
        this.emitType(t.type, contId)
        break
      case BtfKind.Fwd:
        this.print(`${t.union ? "union" : "struct"} ${this.typeNameOf(id)};\n\n`)
        this.emitState[id] = EMITTED
        break
      case BtfKind.Typedef:
        this.emitState[id] = EMITTING
        this.emitType(t.type, id)
        if (!this.fwdEmitted[id] && !this.isBlacklisted(id)) {
          this.emitTypedefDef(id, t.type, 0)
          this.print(";\n\n")
        }
        this.emitState[id] = EMITTED
        break
      case BtfKind.Struct:
      case BtfKind.Union:
        this.emitState[id] = EMITTING
        if (topLevel || t.name === "") {
          const newCont = t.name === "" ? contId : id
          for (const m of t.members) this.emitType(m.type, newCont)
        } else if (!this.fwdEmitted[id] && id !== contId) {
          this.print(`${this.structFwd(id, t)};\n\n`)
          this.fwdEmitted[id] = 1
        }
        if (topLevel) {
          this.emitStructDef(id, t, 0)
          this.print(";\n\n")
          this.emitState[id] = EMITTED
        } else this.emitState[id] = NOT_EMITTED
        break
      case BtfKind.FuncProto:
        this.emitType(t.returnType, contId)
        for (const p of t.params) this.emitType(p.type, contId)
        break
      default:
        break
    }
  }

  /** btf_dump_name_dups */
  private nameDups(map: Map<string, number>, name: string): number {
    const n = (map.get(name) ?? 0) + 1
    map.set(name, n)
    return n
  }

  /** btf_dump_resolve_name */
  private resolveName(id: TypeId, map: Map<string, number>): string {
    const t = this.t(id)!
    const orig = typeName(t)
    if (orig === "") return ""
    const cached = this.resolvedNames.get(id)
    if (cached !== undefined) return cached
    if (t.kind === BtfKind.Fwd || (t.kind === BtfKind.Enum && t.values.length === 0)) {
      this.resolvedNames.set(id, orig)
      return orig
    }
    const dups = this.nameDups(map, orig)
    const name = dups > 1 ? `${orig}___${dups}` : orig
    this.resolvedNames.set(id, name)
    return name
  }
  private typeNameOf(id: TypeId): string {
    return this.resolveName(id, this.typeNames)
  }
  private identNameOf(id: TypeId): string {
    return this.resolveName(id, this.identNames)
  }

  private structFwd(id: TypeId, t: BtfComposite): string {
    return `${t.kind === BtfKind.Struct ? "struct" : "union"} ${this.typeNameOf(id)}`
  }

  private emitTypedefDef(id: TypeId, target: TypeId, lvl: number): void {
    const name = this.identNameOf(id)
    if (target === 0 && name === "__gnuc_va_list") {
      this.print("__builtin_va_list")
      return
    }
    this.print("typedef ")
    this.emitTypeDecl(target, name, lvl)
  }

  private emitEnumDef(id: TypeId, t: BtfEnum | BtfEnum64, lvl: number): void {
    const name = this.typeNameOf(id)
    this.print(`enum${t.name !== "" ? " " : ""}${name}`)
    if (t.values.length === 0) return
    this.print(" {")
    const p = pfx(lvl + 1)
    for (let i = 0; i < t.values.length; i++) {
      const v = t.values[i]!
      const dups = this.nameDups(this.identNames, v.name)
      const vname = dups > 1 ? `${v.name}___${dups}` : v.name
      let val: string
      if (t.kind === BtfKind.Enum) {
        const raw = (v as { readonly value: number }).value
        val = t.signed ? String(raw) : String(raw >>> 0)
      } else {
        const e = v as { readonly lo32: number; readonly hi32: number }
        const u = (BigInt(e.hi32 >>> 0) << 32n) | BigInt(e.lo32 >>> 0)
        val = t.signed ? `${BigInt.asIntN(64, u)}LL` : `${u}ULL`
      }
      this.print(`\n${p}${vname} = ${val},`)
    }
    this.print(`\n${pfx(lvl)}}`)
  }

  private align(id: TypeId): number {
    const r = alignOf(this.btf, id, this.ptrSize)
    return Result.isSuccess(r) ? r.success : 0
  }

  /** btf_is_struct_packed */
  private isPacked(t: BtfComposite): boolean {
    let maxAlign = 1
    for (const m of t.members) {
      const a = this.align(m.type)
      if (a !== 0 && m.bitfieldSize === 0 && m.bitOffset % (8 * a) !== 0) return true
      maxAlign = Math.max(a, maxAlign)
    }
    return t.size % maxAlign !== 0
  }

  private emitStructDef(id: TypeId, t: BtfComposite, lvl: number): void {
    const isStruct = t.kind === BtfKind.Struct
    const align = this.align(id)
    const packed = isStruct ? this.isPacked(t) : false
    this.print(`${isStruct ? "struct" : "union"}${t.name !== "" ? " " : ""}${this.typeNameOf(id)} {`)
    let off = 0
    let prevBitfield = false
    for (const m of t.members) {
      const mAlign = packed ? 1 : this.align(m.type)
      let mSz = m.bitfieldSize
      const inBitfield = prevBitfield && mSz !== 0
      this.emitBitPadding(off, m.bitOffset, mAlign, inBitfield, lvl + 1)
      this.print(`\n${pfx(lvl + 1)}`)
      this.emitTypeDecl(m.type, m.name, lvl + 1)
      if (mSz !== 0) {
        this.print(`: ${mSz}`)
        off = m.bitOffset + mSz
        prevBitfield = true
      } else {
        const r = resolveSize(this.btf, m.type, this.ptrSize)
        mSz = Result.isSuccess(r) ? r.success : 0
        off = m.bitOffset + mSz * 8
        prevBitfield = false
      }
      this.print(";")
    }
    if (isStruct) this.emitBitPadding(off, t.size * 8, align, false, lvl + 1)
    if (t.members.length > 0 || t.size > 0) this.print(`\n${pfx(lvl)}}`)
    else this.print("}")
    if (packed) this.print(" __attribute__((packed))")
  }

  /** btf_dump_emit_bit_padding */
  private emitBitPadding(curOff: number, nextOff: number, nextAlign: number, inBitfield: boolean, lvl: number): void {
    const pads: ReadonlyArray<readonly [string, number]> = [
      ["long", this.ptrSize * 8],
      ["int", 32],
      ["short", 16],
      ["char", 8]
    ]
    if (curOff >= nextOff) return
    let newOff = 0
    let padBits = 0
    let padType = ""
    for (const [name, bits] of pads) {
      padBits = bits
      padType = name
      newOff = roundUp(curOff, bits)
      if (newOff <= nextOff) break
    }
    if (newOff > curOff && newOff <= nextOff) {
      if (
        inBitfield ||
        (newOff === nextOff && roundUp(curOff, nextAlign * 8) !== newOff) ||
        (newOff !== nextOff && nextOff - newOff <= newOff - curOff)
      )
        this.print(`\n${pfx(lvl)}${padType}: ${inBitfield ? newOff - curOff : 0};`)
      curOff = newOff
    }
    while (curOff !== nextOff) {
      const bits = Math.min(nextOff - curOff, padBits)
      if (bits === padBits) {
        this.print(`\n${pfx(lvl)}${padType}: ${padBits};`)
        curOff += bits
        continue
      }
      for (let i = pads.length - 1; i >= 0; i--) {
        const [name, pb] = pads[i]!
        padType = name
        padBits = pb
        if (pb < bits) continue
        this.print(`\n${pfx(lvl)}${name}: ${bits};`)
        curOff += bits
        break
      }
    }
  }

  /** btf_dump_emit_type_decl */
  private emitTypeDecl(id: TypeId, fname: string, lvl: number): void {
    const stack: Array<TypeId> = []
    let cur = id
    for (let guard = 0; guard <= this.btf.typeCount; guard++) {
      stack.push(cur)
      const t = this.t(cur)
      if (t === undefined) break
      if (
        t.kind === BtfKind.Ptr ||
        t.kind === BtfKind.Volatile ||
        t.kind === BtfKind.Const ||
        t.kind === BtfKind.Restrict ||
        t.kind === BtfKind.TypeTag
      )
        cur = t.type
      else if (t.kind === BtfKind.FuncProto) cur = t.returnType
      else if (t.kind === BtfKind.Array) cur = t.type
      else break
    }
    this.emitTypeChain(stack, fname, lvl)
  }

  private isMod(id: TypeId): boolean {
    const t = this.t(id)
    return (
      t !== undefined &&
      (t.kind === BtfKind.Volatile ||
        t.kind === BtfKind.Const ||
        t.kind === BtfKind.Restrict ||
        t.kind === BtfKind.TypeTag)
    )
  }

  /** btf_dump_emit_mods: print leading const/volatile/restrict from the top of the stack */
  private emitMods(decls: Array<TypeId>): void {
    while (decls.length > 0) {
      const t = this.t(decls[decls.length - 1]!)
      if (t === undefined) return
      if (t.kind === BtfKind.Volatile) this.print("volatile ")
      else if (t.kind === BtfKind.Const) this.print("const ")
      else if (t.kind === BtfKind.Restrict) this.print("restrict ")
      else return
      decls.pop()
    }
  }

  private dropMods(decls: Array<TypeId>): void {
    while (decls.length > 0 && this.isMod(decls[decls.length - 1]!)) decls.pop()
  }

  private emitName(name: string, lastWasPtr: boolean): void {
    this.print(`${name !== "" && !lastWasPtr ? " " : ""}${name}`)
  }

  /** btf_dump_emit_type_chain; `decls` is consumed from its end */
  private emitTypeChain(decls: Array<TypeId>, fname: string, lvl: number): void {
    let lastWasPtr = true
    while (decls.length > 0) {
      const id = decls.pop()!
      if (id === 0) {
        this.emitMods(decls)
        this.print("void")
        lastWasPtr = false
        continue
      }
      const t = this.t(id)
      if (t === undefined) return
      switch (t.kind) {
        case BtfKind.Int:
        case BtfKind.Float:
          this.emitMods(decls)
          this.print(t.name)
          break
        case BtfKind.Struct:
        case BtfKind.Union:
          this.emitMods(decls)
          if (t.name === "") this.emitStructDef(id, t, lvl)
          else this.print(this.structFwd(id, t))
          break
        case BtfKind.Enum:
        case BtfKind.Enum64:
          this.emitMods(decls)
          if (t.name === "") this.emitEnumDef(id, t, lvl)
          else this.print(`enum ${this.typeNameOf(id)}`)
          break
        case BtfKind.Fwd:
          this.emitMods(decls)
          this.print(`${t.union ? "union" : "struct"} ${this.typeNameOf(id)}`)
          break
        case BtfKind.Typedef:
          this.emitMods(decls)
          this.print(this.identNameOf(id))
          break
        case BtfKind.Ptr:
          this.print(lastWasPtr ? "*" : " *")
          break
        case BtfKind.Volatile:
          this.print(" volatile")
          break
        case BtfKind.Const:
          this.print(" const")
          break
        case BtfKind.Restrict:
          this.print(" restrict")
          break
        case BtfKind.TypeTag:
          this.emitMods(decls)
          this.print(` __attribute__((btf_type_tag("${t.name}")))`)
          break
        case BtfKind.Array: {
          this.dropMods(decls)
          if (decls.length === 0) {
            this.emitName(fname, lastWasPtr)
            this.print(`[${t.nelems}]`)
            return
          }
          const next = this.t(decls[decls.length - 1]!)
          const multidim = next !== undefined && next.kind === BtfKind.Array
          if (fname !== "" && !lastWasPtr) this.print(" ")
          if (!multidim) this.print("(")
          this.emitTypeChain(decls, fname, lvl)
          if (!multidim) this.print(")")
          this.print(`[${t.nelems}]`)
          return
        }
        case BtfKind.FuncProto: {
          this.dropMods(decls)
          if (decls.length > 0) {
            this.print(" (")
            this.emitTypeChain(decls, fname, lvl)
            this.print(")")
          } else this.emitName(fname, lastWasPtr)
          this.print("(")
          const ps = t.params
          if (ps.length === 0 || (ps.length === 1 && ps[0]!.type === 0)) {
            this.print("void)")
            return
          }
          for (let i = 0; i < ps.length; i++) {
            if (i > 0) this.print(", ")
            if (i === ps.length - 1 && ps[i]!.type === 0) {
              this.print("...")
              break
            }
            this.emitTypeDecl(ps[i]!.type, ps[i]!.name, lvl)
          }
          this.print(")")
          return
        }
        default:
          return
      }
      lastWasPtr = t.kind === BtfKind.Ptr
    }
    this.emitName(fname, lastWasPtr)
  }
}

const pfx = (lvl: number): string => "\t".repeat(Math.min(lvl, 24))
const roundUp = (x: number, y: number): number => Math.ceil(x / y) * y

/** The type definitions only (what libbpf's btf_dump__dump_type prints for every id). */
export const btfDumpCTypes = (btf: Btf): string => new CDumper(btf).dumpAll()

/** Exactly bpftool's `format c` output: the vmlinux.h guard, the preserve_access_index pragma, the types. */
export const btfDumpC = (btf: Btf): string =>
  "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n" +
  "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n" +
  "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n" +
  btfDumpCTypes(btf) +
  "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n" +
  "#endif /* __VMLINUX_H__ */\n"
