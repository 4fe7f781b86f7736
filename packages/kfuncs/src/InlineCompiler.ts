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
 * must have no tests (so every descriptor gets an answer). Context words (driver state) are paths
 * of checked identifiers read as `(ctx.a?.b >>> 0)`; conversions are chosen by name from the
 * fixed set in fast/InlineConversions.ts and passed to the generated code as closure parameters
 * (never spelled in the description); a `delegate` case calls the driver's own function, passed
 * the same way. No string from a description other than a checked identifier reaches the source.
 *
 * Generated body for the sim's xmo_rx_hash, for example:
 *   const v = ctx.desc, o = ctx.descOff
 *   if ((v.getUint8(o + 7) & 4) === 0) { return -61 }
 *   out.hash = v.getUint32(o + 0, true); out.rssType = v.getUint16(o + 8, true); return 0
 */
import type { NetDevice, RxKfuncs, XdpMetadataOpMember } from "@devtx/core"
import { METADATA_KFUNC_TABLE, U64 } from "@devtx/core"
import { Data, Result } from "effect"
import { extend32bTs, secNsecToNs, timecounterCyc2time } from "./fast/InlineConversions.js"

type InlineMetadataOps = NonNullable<NetDevice["xdpMetadataInline"]>
type InlineOpDescription = NonNullable<InlineMetadataOps["xmoRxHash"]>
type InlineCase = InlineOpDescription["cases"][number]
type InlineTest = InlineCase["tests"][number]
type InlineField = Extract<InlineTest, { readonly field: unknown }>["field"]
type InlineValue = InlineCase["writes"][string]
type InlineConversion = NonNullable<InlineCase["convert"]>
type InlineDescriptorLocator = InlineMetadataOps["locator"]

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
/** member names a context path may not use (prototype plumbing, not driver state) */
const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"])
/** descriptor offsets are small: every known descriptor is at most 64 bytes; allow up to 4 KiB */
const MAX_OFFSET = 4096
const MAX_CONTEXT_DEPTH = 4

type OpFn = (ctx: never, out: never) => number
export type InlineFail = (reason: string, value: unknown) => never

/** What the generated function closes over: translation tables, conversions, scratch, the driver's function. */
export interface InlineEmitter {
  readonly tables: Uint32Array[]
}

export const isIdentifier = (s: unknown): s is string => typeof s === "string" && IDENT.test(s) && !FORBIDDEN_MEMBERS.has(s)

/** `(ctx.a?.b >>> 0)`: a driver-state word as a u32 (booleans 0/1, a missing member 0), never an exception */
export const contextExpr = (path: unknown, fail: InlineFail): string => {
  if (!Array.isArray(path) || path.length === 0 || path.length > MAX_CONTEXT_DEPTH || !path.every(isIdentifier))
    fail(`a context path is 1..${MAX_CONTEXT_DEPTH} member names`, path)
  return `(ctx.${(path as string[]).join("?.")} >>> 0)`
}

export const fieldExpr = (f: InlineField, em: InlineEmitter, fail: InlineFail): string => {
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

export const valueExpr = (val: InlineValue, em: InlineEmitter, fail: InlineFail): string => {
  if ("constant" in val) {
    if (!Number.isInteger(val.constant) || val.constant < -0x80000000 || val.constant > 0xffffffff) fail("constant must be a 32-bit integer", val.constant)
    return String(val.constant)
  }
  if ("context" in val) return contextExpr(val.context, fail)
  if (!("field" in val)) fail("a value is a field, a constant or a context word", val)
  return fieldExpr(val.field, em, fail)
}

export const testExpr = (t: InlineTest, em: InlineEmitter, fail: InlineFail): string => {
  if (!Number.isInteger(t.mask) || t.mask <= 0 || t.mask > 0xffffffff) fail("test mask must be a non-zero u32", t.mask)
  if (t.when !== "set" && t.when !== "clear") fail("test 'when' must be 'set' or 'clear'", t.when)
  const src = "context" in t ? contextExpr(t.context, fail) : fieldExpr(t.field, em, fail)
  return `(${src} & ${t.mask}) ${t.when === "set" ? "!==" : "==="} 0`
}

/** The call of a declared conversion into scratch S (its inputs validated values). */
const conversionCall = (c: InlineConversion, em: InlineEmitter, fail: InlineFail): string => {
  const v = (x: InlineValue | undefined, name: string): string => (x === undefined ? fail(`conversion input '${name}' missing`, c.op) : valueExpr(x, em, fail))
  switch (c.op) {
    case "sec-nsec-to-ns":
      return `Ksec(S, ${v(c.sec, "sec")}, ${v(c.nsec, "nsec")});`
    case "timecounter-cyc2time":
      if (!Number.isInteger(c.maskBits) || c.maskBits < 33 || c.maskBits > 64) fail("timecounter maskBits must be 33..64", c.maskBits)
      return `Ktc(S, ${c.maskBits}, ${v(c.cyclesHi, "cyclesHi")}, ${v(c.cyclesLo, "cyclesLo")}, ${v(c.mult, "mult")}, ${v(c.shift, "shift")}, ${v(c.frac, "frac")}, ${v(c.cycleLastHi, "cycleLastHi")}, ${v(c.cycleLastLo, "cycleLastLo")}, ${v(c.nsecHi, "nsecHi")}, ${v(c.nsecLo, "nsecLo")});`
    case "extend-32b-ts":
      return `Kext(S, ${v(c.cachedHi, "cachedHi")}, ${v(c.cachedLo, "cachedLo")}, ${v(c.in32, "in32")});`
    default:
      return fail("unknown conversion (declared: sec-nsec-to-ns, timecounter-cyc2time, extend-32b-ts)", (c as { op: unknown }).op)
  }
}

const checkRc = (rc: unknown, fail: InlineFail, what: string): void => {
  if (!Number.isInteger(rc) || (rc as number) > 0 || (rc as number) < -4095) fail(`${what} must be 0 or a negative errno`, rc)
}

/**
 * Compile the cases of one op read from the descriptor `locator` names, writing `members` of the
 * out-parameter. `driverFn` is the driver's own function (for `delegate` cases).
 */
export const compileCases = (args: {
  readonly driver: string
  readonly op: string
  readonly locator: InlineDescriptorLocator
  readonly members: ReadonlyArray<string>
  readonly desc: InlineOpDescription
  readonly driverFn?: ((ctx: never, out: never) => number) | undefined
}): Result.Result<OpFn, InlineDescriptionError> => {
  const { driver, op, locator, members, desc, driverFn } = args
  let at = -1
  const fail: InlineFail = (reason, value) => {
    throw new InlineDescriptionError({ driver, op, offset: at, reason, value })
  }
  try {
    if (!isIdentifier(locator.view) || !isIdentifier(locator.offset)) fail("locator members must be identifiers", locator)
    if (desc.cases.length === 0) fail("no cases", 0)
    const em: InlineEmitter = { tables: [] }
    const lines: string[] = [`const v = ctx.${locator.view}, o = ctx.${locator.offset};`]
    desc.cases.forEach((c, i) => {
      at = i
      checkRc(c.rc, fail, "rc")
      const keys = Object.keys(c.writes)
      for (const k of keys) if (!members.includes(k)) fail(`'${k}' is not a member of the out-parameter (${members.join(", ")})`, k)
      if (i === desc.cases.length - 1 && c.tests.length !== 0) fail("the last case must have no tests (the default)", c.tests.length)
      const conds = c.tests.map((t) => testExpr(t, em, fail))
      let body: string
      if (c.delegate !== undefined) {
        if (c.delegate !== true) fail("delegate must be true", c.delegate)
        if (driverFn === undefined) fail("a delegating case needs the driver's function for this op", op)
        if (c.rc !== 0 || keys.length !== 0 || c.convert !== undefined) fail("a delegating case has rc 0, no writes and no conversion", c)
        body = "return D(ctx, out);"
      } else if (c.convert !== undefined) {
        if (members.length !== 2 || members[0] !== "hi" || members[1] !== "lo") fail("a conversion writes a 64-bit timestamp: only for the timestamp ops", members)
        if (keys.length !== 0) fail("a converting case writes through its conversion only", keys)
        let zero = ""
        if (c.zeroRc !== undefined) {
          checkRc(c.zeroRc, fail, "zeroRc")
          zero = ` if ((S.hi | S.lo) === 0) { return ${c.zeroRc}; }`
        }
        body = `${conversionCall(c.convert, em, fail)}${zero} out.hi = S.hi; out.lo = S.lo; return ${c.rc};`
      } else {
        if (c.zeroRc !== undefined) fail("zeroRc only with a conversion", c.zeroRc)
        if (c.rc === 0) for (const m of members) if (!keys.includes(m)) fail(`an rc=0 case must write '${m}'`, keys)
        body = keys.map((k) => `out.${k} = ${valueExpr(c.writes[k]!, em, fail)};`).join(" ") + ` return ${c.rc};`
      }
      lines.push(conds.length === 0 ? body : `if (${conds.join(" && ")}) { ${body} }`)
    })
    const names = em.tables.map((_, i) => `T${i}`)
    const src = `"use strict"; return function inlined_${driver.replace(/[^A-Za-z0-9_]/g, "_")}_${op}(ctx, out) {\n  ${lines.join("\n  ")}\n}`
    // the inlining loader generates code from a validated description (numbers and checked identifiers only)
    const make = new Function("Ksec", "Ktc", "Kext", "S", "D", ...names, src) as (...a: unknown[]) => OpFn
    return Result.succeed(make(secNsecToNs, timecounterCyc2time, extend32bTs, new U64(), driverFn, ...em.tables))
  } catch (e) {
    if (e instanceof InlineDescriptionError) return Result.fail(e)
    throw e
  }
}

/** Compile one op's description into a specialised function (`driverFn`: the driver's op, for `delegate` cases). */
export const compileInlineOp = (
  inline: InlineMetadataOps,
  op: XdpMetadataOpMember,
  desc: InlineOpDescription,
  driverFn?: (ctx: never, out: never) => number
): Result.Result<OpFn, InlineDescriptionError> =>
  compileCases({ driver: inline.driver, op, locator: inline.locator, members: INLINE_OUT_MEMBERS[op], desc, driverFn })

/** The source the compiler emits for one op (for inspection and the report). */
export const inlineOpSource = (
  inline: InlineMetadataOps,
  op: XdpMetadataOpMember,
  driverFn?: (ctx: never, out: never) => number
): string | undefined => {
  const desc = inline[op]
  if (desc === undefined) return undefined
  const r = compileInlineOp(inline, op, desc, driverFn)
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
    const r = compileInlineOp(inline, row.op, desc, driverFn as (ctx: never, out: never) => number)
    if (Result.isFailure(r)) return Result.fail(r.failure)
    out[row.getter] = r.success
    inlined.push(row.kfunc)
  }
  return Result.succeed({ kfuncs: out as unknown as RxKfuncs, inlined })
}
