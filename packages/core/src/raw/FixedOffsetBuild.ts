/**
 * A fixed-offset build run as the kernel would run it: a program compiled without CO-RE has
 * no relocation records, so nothing at load time looks at the target's BTF — the verifier sees
 * plain loads at the compiled-in offsets. This compiles a program's declarations straight to
 * accessors at their `at` / `atBit` positions (RawDecl.ts), whatever the target is.
 *
 * Contract: every field of every struct must carry `at` (a field without one is a program that
 * needs CO-RE: FixedOffsetBuildError names it); a bitfield's `atBit` counts from bit 0 of the
 * declared type's container at `at` (little-endian, as RawLoader's check). The result has the
 * shape relocateRawProgram returns (struct name without its ___flavor), so the program's
 * `instantiate` runs unchanged. devtx's own loader (RawLoader.ts) instead REFUSES a fixed build
 * whose offsets differ from the target's BTF — a check the kernel does not make; the compare
 * commands show both.
 */
import { Data } from "effect"
import { bitfieldAccessor, plainAccessor, type RawAccessor } from "./datapath/RawAccessor.js"
import { type RawStructDecl, rawFieldBigEndian, rawFieldBytes } from "./RawDecl.js"
import type { RawFieldTable } from "./RawLoader.js"

export class FixedOffsetBuildError extends Data.TaggedError("FixedOffsetBuildError")<{
  readonly localType: string
  readonly field: string
  readonly reason: string
}> {
  override get message(): string {
    return `fixed-offset build: ${this.localType}.${this.field}: ${this.reason}`
  }
}

export const compileFixedOffsets = (structs: ReadonlyArray<RawStructDecl>): RawFieldTable | FixedOffsetBuildError => {
  const table: Record<string, Record<string, RawAccessor>> = {}
  for (const s of structs) {
    const out: Record<string, RawAccessor> = {}
    table[s.name.replace(/___.*$/, "")] = out
    for (const f of s.fields) {
      if (f.at === undefined) return new FixedOffsetBuildError({ localType: s.name, field: f.name, reason: "no compiled-in offset (`at`): this field needs CO-RE" })
      const size = rawFieldBytes(f.type)
      if (f.bits === undefined) {
        out[f.name] = plainAccessor(f.at, size, rawFieldBigEndian(f.type))
        continue
      }
      const bit = f.atBit ?? 0
      if (bit + f.bits > size * 8)
        return new FixedOffsetBuildError({ localType: s.name, field: f.name, reason: `bits ${bit}..${bit + f.bits - 1} do not fit a ${f.type} container` })
      // libbpf's shifts for a field at container bit `bit` of width `bits` (RawAccessor.ts)
      out[f.name] = bitfieldAccessor(f.at, size, 64 - bit - f.bits, 64 - f.bits, rawFieldBigEndian(f.type))
    }
  }
  return table
}
