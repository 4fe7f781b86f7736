/**
 * The raw-style RX probes for a hint set: the program reads the driver's own descriptor and carries
 * that NIC's decode logic (status bits -> -ENODATA, the RSS type table, the timestamp format, the
 * checksum decision), writing the same probe record as the kfunc probe.
 *
 * One template per driver (RawHintTemplate: the struct declaration with its fixed offsets, and
 * one code snippet per hint written against a field-read emitter) yields two programs:
 *
 * - raw-fixed (the floor): the declaration carries `at`/`atBit` — the offsets the program was
 *   compiled with — which the raw loader checks against the driver's BTF (a mismatch fails the
 *   load); every read is then emitted with its offset, width and byte order as literals, e.g.
 *   `d.getUint32(o + 12, false)`: nothing but the loads a BPF program with constant offsets does.
 * - raw-core: the declaration has no offsets; the CO-RE relocator resolves them against the
 *   driver's BTF and each read calls the compiled accessor (core raw/datapath/RawAccessor.ts),
 *   which is how devtx runs CO-RE-relocated programs.
 *
 * Sources are generated per load (`new Function`) from numbers and fixed identifiers, so each
 * loaded probe has its own V8 type feedback (KfuncProbe.ts explains why).
 */
import { type RawFieldDecl, type RawStructDecl, type RawXdpProgramSpec, type XdpProgramFn, rawFieldBigEndian, rawFieldBytes } from "@devtx/core"
import { type HintMask, type ProbeSink, REC_WORDS } from "./ProbeRecord.js"

const XDP_DROP = 1

/** Emits the JS expression reading a declared field of the current descriptor (`d`, `o`). */
export type FieldEmitter = (field: string) => string

export interface RawHintTemplate {
  readonly driver: string
  /** the struct as a fixed-offset program declares it (every field has `at`, bitfields `atBit`) */
  readonly struct: RawStructDecl
  /** snippets for hash, timestamp, vlan-tag, checksum; variables: ctx d o r b rc and `env` names */
  readonly hints: ReadonlyArray<(rd: FieldEmitter) => string>
  /** extra values the snippets name (tables, the driver-context readers), by identifier */
  readonly env: Readonly<Record<string, unknown>>
  /** what this template cannot express through CO-RE and reads at a fixed offset in both styles */
  readonly note?: string
}

export type RawProbeKind = "raw-fixed" | "raw-core"

const literalRead = (f: RawFieldDecl): string => {
  const size = rawFieldBytes(f.type)
  const le = rawFieldBigEndian(f.type) ? "false" : "true"
  const at = f.at!
  const load = size === 1 ? `d.getUint8(o + ${at})` : size === 2 ? `d.getUint16(o + ${at}, ${le})` : `d.getUint32(o + ${at}, ${le})`
  if (f.bits === undefined) return load
  const mask = f.bits >= 32 ? 0xffffffff : 2 ** f.bits - 1
  return `((${load} >>> ${f.atBit ?? 0}) & ${mask})`
}

const stripOffsets = (s: RawStructDecl): RawStructDecl => ({
  ...s,
  fields: s.fields.map(({ at: _at, atBit: _atBit, ...rest }) => rest)
})

const ident = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, "_")

export const rawProbeSpec = (template: RawHintTemplate, kind: RawProbeKind, mask: HintMask, sink: ProbeSink, verdict = XDP_DROP): RawXdpProgramSpec => {
  const struct = kind === "raw-fixed" ? template.struct : stripOffsets(template.struct)
  const key = template.struct.name.replace(/___.*$/, "")
  const name = `probe_${kind.replace("-", "_")}_${ident(template.driver)}_m${mask}`
  return {
    name,
    structs: [struct],
    instantiate: ({ fields }) => {
      const table = fields[key]
      if (table === undefined) throw new Error(`raw probe ${name}: relocation produced no table for ${key}`)
      const byName = new Map(template.struct.fields.map((f) => [f.name, f]))
      const used = new Set<string>()
      const rd: FieldEmitter =
        kind === "raw-fixed"
          ? (f) => {
              const decl = byName.get(f)
              if (decl === undefined || decl.at === undefined) throw new Error(`raw probe ${name}: field ${f} has no compiled-in offset`)
              return literalRead(decl)
            }
          : (f) => {
              if (!byName.has(f)) throw new Error(`raw probe ${name}: field ${f} is not declared`)
              used.add(f)
              return `F_${f}(d, o)`
            }
      const body = template.hints.filter((_, i) => (mask & (1 << i)) !== 0).map((h) => `  ${h(rd)}`)
      const envNames = Object.keys(template.env)
      const accessorNames = [...used].map((f) => `F_${f}`)
      const src = [
        `"use strict";`,
        `const r = sink.rec, cur = sink.cursor, mask = sink.mask;`,
        `return function ${name}(ctx) {`,
        `  const d = ctx.rawDesc, o = ctx.rawDescOff;`,
        `  const b = (cur[0]++ & mask) * ${REC_WORDS};`,
        `  let rc = 0;`,
        ...body,
        `  return ${verdict};`,
        `}`
      ].join("\n")
      const make = new Function("sink", ...envNames, ...accessorNames, src) as (...a: unknown[]) => XdpProgramFn
      return make(sink, ...envNames.map((n) => template.env[n]), ...[...used].map((f) => table[f]!.read))
    }
  }
}
