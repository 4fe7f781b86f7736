/**
 * The "inlined" kfunc binding: from the description a driver publishes
 * (NetDevice.xdpMetadataInline, core placement/InlineMetadataOps.ts) the loader generates, per
 * metadata kfunc, a specialised function whose body is the driver's descriptor reads with every
 * offset, width, byte order, mask and errno a constant — the devtx equivalent of the verifier
 * splicing the driver's field reads into the program instead of emitting a call (as the kernel
 * already does for a few helpers, bpf_fixup_call / kfunc inlining). No lookup through the ops
 * table and no generic function remain on the per-packet path; V8 then inlines these small
 * monomorphic bodies into the program's call sites.
 *
 * Compilation validates the description first and fails with InlineDescriptionError (driver, op,
 * offset = index of the offending case, reason, value) — never emits code from an unchecked
 * description: identifiers must be plain JS identifiers, numbers integers in range, write targets
 * members of the kfunc's out-parameter, an rc=0 case must write every member, and the last case
 * must have no tests (so every descriptor gets an answer).
 *
 * Generated body for the sim's xmo_rx_hash, for example:
 *   const v = ctx.desc, o = ctx.descOff
 *   if ((v.getUint8(o + 7) & 4) === 0) { return -61 }
 *   out.hash = v.getUint32(o + 0, true); out.rssType = v.getUint16(o + 8, true); return 0
 */
import type { NetDevice, RxKfuncs, XdpMetadataOpMember } from "@devtx/core"
import { METADATA_KFUNC_TABLE } from "@devtx/core"
import { Data, Result } from "effect"

type InlineMetadataOps = NonNullable<NetDevice["xdpMetadataInline"]>
type InlineOpDescription = NonNullable<InlineMetadataOps["xmoRxHash"]>
type InlineCase = InlineOpDescription["cases"][number]
type InlineField = InlineCase["tests"][number]["field"]
type InlineValue = InlineCase["writes"][string]

export class InlineDescriptionError extends Data.TaggedError("InlineDescriptionError")<{
  readonly driver: string
  readonly op: string
  /** index of the offending case (-1: the description as a whole) */
  readonly offset: number
  readonly reason: string
  readonly value: unknown
}> {
  override get message(): string {
    return `inline description of ${this.driver} ${this.op}, case ${this.offset}: ${this.reason} (${JSON.stringify(this.value)})`
  }
}

/** Out-parameter members each op writes (RxMetadataOut.ts). */
export const INLINE_OUT_MEMBERS: Readonly<Record<XdpMetadataOpMember, ReadonlyArray<string>>> = {
  xmoRxTimestamp: ["hi", "lo"],
  xmoRxHash: ["hash", "rssType"],
  xmoRxVlanTag: ["vlanProto", "vlanTci"],
  xmoRxChecksum: ["ipSummed", "cksum", "cksumLevel"]
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/
/** descriptor offsets are small: every known descriptor is at most 64 bytes; allow up to 4 KiB */
const MAX_OFFSET = 4096

type OpFn = (ctx: never, out: never) => number

interface Emitter {
  readonly tables: Uint32Array[]
}

const fieldExpr = (f: InlineField, em: Emitter, fail: (reason: string, value: unknown) => never): string => {
  if (!Number.isInteger(f.offset) || f.offset < 0 || f.offset + f.width > MAX_OFFSET) fail("field offset out of range", f.offset)
  if (f.width !== 1 && f.width !== 2 && f.width !== 4) fail("field width must be 1, 2 or 4", f.width)
  const le = f.bigEndian ? "false" : "true"
  let e = f.width === 1 ? `v.getUint8(o + ${f.offset})` : f.width === 2 ? `v.getUint16(o + ${f.offset}, ${le})` : `v.getUint32(o + ${f.offset}, ${le})`
  if (f.shift !== undefined) {
    if (!Number.isInteger(f.shift) || f.shift < 0 || f.shift > 31) fail("shift must be 0..31", f.shift)
    e = `(${e} >>> ${f.shift})`
  }
  if (f.mask !== undefined) {
    if (!Number.isInteger(f.mask) || f.mask < 0 || f.mask > 0xffffffff) fail("mask must be a u32", f.mask)
    e = `((${e} & ${f.mask}) >>> 0)`
  }
  if (f.table !== undefined) {
    if (f.mask === undefined) fail("a table needs a mask bounding its index", f.table.length)
    if (f.table.length <= f.mask!) fail("table shorter than the mask's range", f.table.length)
    if (!f.table.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) fail("table entries must be u32", f.table)
    em.tables.push(Uint32Array.from(f.table))
    e = `T${em.tables.length - 1}[${e}]`
  }
  return e
}

const valueExpr = (val: InlineValue, em: Emitter, fail: (reason: string, value: unknown) => never): string => {
  if ("constant" in val) {
    if (!Number.isInteger(val.constant) || val.constant < -0x80000000 || val.constant > 0xffffffff) fail("constant must be a 32-bit integer", val.constant)
    return String(val.constant)
  }
  return fieldExpr(val.field, em, fail)
}

/** Compile one op's description into a specialised function. */
export const compileInlineOp = (
  inline: InlineMetadataOps,
  op: XdpMetadataOpMember,
  desc: InlineOpDescription
): Result.Result<OpFn, InlineDescriptionError> => {
  let at = -1
  const fail = (reason: string, value: unknown): never => {
    throw new InlineDescriptionError({ driver: inline.driver, op, offset: at, reason, value })
  }
  try {
    if (!IDENT.test(inline.locator.view) || !IDENT.test(inline.locator.offset)) fail("locator members must be identifiers", inline.locator)
    if (desc.cases.length === 0) fail("no cases", 0)
    const members = INLINE_OUT_MEMBERS[op]
    const em: Emitter = { tables: [] }
    const lines: string[] = [`const v = ctx.${inline.locator.view}, o = ctx.${inline.locator.offset};`]
    desc.cases.forEach((c, i) => {
      at = i
      if (!Number.isInteger(c.rc) || c.rc > 0 || c.rc < -4095) fail("rc must be 0 or a negative errno", c.rc)
      const keys = Object.keys(c.writes)
      for (const k of keys) if (!members.includes(k)) fail(`'${k}' is not a member of the out-parameter (${members.join(", ")})`, k)
      if (c.rc === 0) for (const m of members) if (!keys.includes(m)) fail(`an rc=0 case must write '${m}'`, keys)
      if (i === desc.cases.length - 1 && c.tests.length !== 0) fail("the last case must have no tests (the default)", c.tests.length)
      const conds = c.tests.map((t) => {
        if (!Number.isInteger(t.mask) || t.mask <= 0 || t.mask > 0xffffffff) fail("test mask must be a non-zero u32", t.mask)
        return `(${fieldExpr(t.field, em, fail)} & ${t.mask}) ${t.when === "set" ? "!==" : "==="} 0`
      })
      const body = keys.map((k) => `out.${k} = ${valueExpr(c.writes[k]!, em, fail)};`).join(" ") + ` return ${c.rc};`
      lines.push(conds.length === 0 ? body : `if (${conds.join(" && ")}) { ${body} }`)
    })
    const names = em.tables.map((_, i) => `T${i}`)
    const src = `"use strict"; return function inlined_${inline.driver.replace(/[^A-Za-z0-9_]/g, "_")}_${op}(ctx, out) {\n  ${lines.join("\n  ")}\n}`
    // the inlining loader generates code from a validated description (numbers and checked identifiers only)
    const make = new Function(...names, src) as (...tables: Uint32Array[]) => OpFn
    return Result.succeed(make(...em.tables))
  } catch (e) {
    if (e instanceof InlineDescriptionError) return Result.fail(e)
    throw e
  }
}

/** The source the compiler emits for one op (for inspection and the report). */
export const inlineOpSource = (inline: InlineMetadataOps, op: XdpMetadataOpMember): string | undefined => {
  const desc = inline[op]
  if (desc === undefined) return undefined
  const r = compileInlineOp(inline, op, desc)
  return Result.isSuccess(r) ? r.success.toString() : undefined
}

/**
 * The binder of the inlined mode: every kfunc the loader resolved to the driver's own function is
 * replaced by the spliced body when the driver describes that op; the rest (the -EOPNOTSUPP
 * default, ops the driver does not describe) stays as resolved.
 */
export const inlineRxKfuncs = (
  device: NetDevice,
  resolved: RxKfuncs
): Result.Result<{ readonly kfuncs: RxKfuncs; readonly inlined: ReadonlyArray<string> }, InlineDescriptionError> => {
  const inline = device.xdpMetadataInline
  const out: Record<string, unknown> = { ...resolved }
  const inlined: string[] = []
  if (inline === undefined) return Result.succeed({ kfuncs: resolved, inlined })
  for (const row of METADATA_KFUNC_TABLE) {
    const driverFn = device.xdpMetadataOps[row.op]
    const desc = inline[row.op]
    if (driverFn === undefined || desc === undefined || resolved[row.getter] !== driverFn) continue
    const r = compileInlineOp(inline, row.op, desc)
    if (Result.isFailure(r)) return Result.fail(r.failure)
    out[row.getter] = r.success
    inlined.push(row.kfunc)
  }
  return Result.succeed({ kfuncs: out as unknown as RxKfuncs, inlined })
}
