/**
 * The "inlined" binding of the devtx kfuncs: from the description a driver publishes
 * (NetDevice.devtxInline, core devtx/DevtxInlineOps.ts) the loader generates, per devtx kfunc,
 * a specialised function whose body is the driver's descriptor edits (submit side) or
 * completion reads (complete side) with every offset, width, byte order and errno a constant.
 *
 * Submit side, generated body for the sim's xmo_request_l4_checksum, for example:
 *   const v = ctx.desc, o = ctx.descOff;
 *   if (a0 + a1 + 2 > (ctx.len >>> 0)) { return -22; }
 *   v.setUint16(o + 8, a0, true);
 *   v.setUint16(o + 10, a1, true);
 *   v.setUint8(o + 7, v.getUint8(o + 7) | 4);
 *   return 0;
 * Complete side: the RX description language (InlineCompiler.ts compileCases) over the
 * completion entry, out members hi, lo.
 *
 * Validation first, as InlineCompiler.ts: InlineDescriptionError (driver, op, offset = index of
 * the offending check / store, reason, value); only checked identifiers and integers reach the
 * generated source. Arguments are the kfunc's own scalars (a0, a1), used as the driver's function
 * uses them: the sum of a check on exact numbers, a store truncating to the field's width.
 */
import type { DevtxKfuncs, DevtxOps, NetDevice } from "@devtx/core"
import { DEVTX_KFUNC_TABLE } from "@devtx/core"
import { Result } from "effect"
import { compileCases, contextExpr, type InlineFail, InlineDescriptionError, isIdentifier } from "./InlineCompiler.js"

type DevtxInlineOps = NonNullable<NetDevice["devtxInline"]>
type DevtxInlineSubmitDescription = NonNullable<DevtxInlineOps["xmoRequestTxTimestamp"]>
type DevtxInlineOperand = DevtxInlineSubmitDescription["stores"][number]["value"]
type SubmitOp = "xmoRequestTxTimestamp" | "xmoRequestL4Checksum" | "xmoRequestLaunchTime"

/** How many scalar arguments after ctx each submit kfunc takes. */
export const DEVTX_SUBMIT_ARGS: Readonly<Record<SubmitOp, number>> = {
  xmoRequestTxTimestamp: 0,
  xmoRequestL4Checksum: 2,
  xmoRequestLaunchTime: 2
}

/** descriptor offsets: every known TX descriptor / completion is at most 64 bytes; allow 4 KiB */
const MAX_OFFSET = 4096

type SubmitFn = (ctx: never, a0?: number, a1?: number) => number

const operandExpr = (x: DevtxInlineOperand, nargs: number, fail: InlineFail): string => {
  if ("arg" in x) {
    if (!Number.isInteger(x.arg) || x.arg < 0 || x.arg >= nargs) fail(`arg must be 0..${nargs - 1} for this kfunc`, x.arg)
    return `a${x.arg}`
  }
  if ("constant" in x) {
    if (!Number.isInteger(x.constant) || x.constant < -0x80000000 || x.constant > 0xffffffff) fail("constant must be a 32-bit integer", x.constant)
    return `(${x.constant})`
  }
  if ("context" in x) return contextExpr(x.context, fail)
  return fail("an operand is an arg, a constant or a context word", x)
}

/** Compile one submit-side op's description. */
export const compileDevtxSubmitOp = (
  inline: DevtxInlineOps,
  op: SubmitOp,
  desc: DevtxInlineSubmitDescription
): Result.Result<SubmitFn, InlineDescriptionError> => {
  let at = -1
  const fail: InlineFail = (reason, value) => {
    throw new InlineDescriptionError({ driver: inline.driver, op, offset: at, reason, value })
  }
  try {
    const loc = inline.submitLocator
    if (!isIdentifier(loc.view) || !isIdentifier(loc.offset)) fail("locator members must be identifiers", loc)
    const nargs = DEVTX_SUBMIT_ARGS[op]
    const lines: string[] = [`const v = ctx.${loc.view}, o = ctx.${loc.offset};`]
    desc.checks.forEach((c, i) => {
      at = i
      if (!Number.isInteger(c.rc) || c.rc >= 0 || c.rc < -4095) fail("a check's rc must be a negative errno", c.rc)
      if (c.terms.length === 0) fail("a check needs at least one term", c.terms)
      const sum = c.terms.map((t) => operandExpr(t, nargs, fail)).join(" + ")
      lines.push(`if (${sum} > ${operandExpr(c.limit, nargs, fail)}) { return ${c.rc}; }`)
    })
    desc.stores.forEach((s, i) => {
      at = desc.checks.length + i
      if (s.width !== 1 && s.width !== 2 && s.width !== 4) fail("store width must be 1, 2 or 4", s.width)
      if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset + s.width > MAX_OFFSET) fail("store offset out of range", s.offset)
      if (s.mode !== "set" && s.mode !== "or") fail("store mode must be 'set' or 'or'", s.mode)
      const bits = s.width * 8
      const le = s.bigEndian ? "false" : "true"
      const endian = s.width === 1 ? "" : `, ${le}`
      const value = operandExpr(s.value, nargs, fail)
      const stored = s.mode === "set" ? value : `v.getUint${bits}(o + ${s.offset}${endian}) | ${value}`
      lines.push(`v.setUint${bits}(o + ${s.offset}, ${stored}${endian});`)
    })
    lines.push("return 0;")
    const params = Array.from({ length: nargs }, (_, i) => `a${i}`)
    const src = `"use strict"; return function inlined_${inline.driver.replace(/[^A-Za-z0-9_]/g, "_")}_${op}(${["ctx", ...params].join(", ")}) {\n  ${lines.join("\n  ")}\n}`
    // generated from a validated description (integers and checked identifiers only)
    return Result.succeed((new Function(src) as () => SubmitFn)())
  } catch (e) {
    if (e instanceof InlineDescriptionError) return Result.fail(e)
    throw e
  }
}

/** The source the compiler emits for one devtx op (for inspection). */
export const devtxInlineOpSource = (inline: DevtxInlineOps, op: keyof DevtxOps): string | undefined => {
  if (op === "xmoTxTimestamp") {
    const d = inline.xmoTxTimestamp
    if (d === undefined) return undefined
    const r = compileCases({ driver: inline.driver, op, locator: inline.completeLocator, members: ["hi", "lo"], desc: d })
    return Result.isSuccess(r) ? r.success.toString() : undefined
  }
  const d = inline[op]
  if (d === undefined) return undefined
  const r = compileDevtxSubmitOp(inline, op, d)
  return Result.isSuccess(r) ? r.success.toString() : undefined
}

/**
 * The binder of the inlined devtx mode: every devtx kfunc the loader resolved to the driver's op
 * is replaced by the generated body when the driver describes that op; the rest (the
 * -EOPNOTSUPP default, undescribed ops) stays as resolved.
 */
export const inlineDevtxKfuncs = (
  device: NetDevice,
  resolved: DevtxKfuncs
): Result.Result<{ readonly kfuncs: DevtxKfuncs; readonly inlined: ReadonlyArray<string> }, InlineDescriptionError> => {
  const inline = device.devtxInline
  const out: Record<string, unknown> = { ...resolved }
  const inlined: string[] = []
  if (inline === undefined) return Result.succeed({ kfuncs: resolved, inlined })
  for (const row of DEVTX_KFUNC_TABLE) {
    const driverFn = device.devtxOps?.[row.op]
    if (driverFn === undefined || resolved[row.getter] !== driverFn) continue
    if (row.op === "xmoTxTimestamp") {
      const d = inline.xmoTxTimestamp
      if (d === undefined) continue
      const r = compileCases({
        driver: inline.driver,
        op: row.op,
        locator: inline.completeLocator,
        members: ["hi", "lo"],
        desc: d,
        driverFn: driverFn as (ctx: never, out: never) => number
      })
      if (Result.isFailure(r)) return Result.fail(r.failure)
      out[row.getter] = r.success
    } else {
      const d = inline[row.op]
      if (d === undefined) continue
      const r = compileDevtxSubmitOp(inline, row.op, d)
      if (Result.isFailure(r)) return Result.fail(r.failure)
      out[row.getter] = r.success
    }
    inlined.push(row.kfunc)
  }
  return Result.succeed({ kfuncs: out as unknown as DevtxKfuncs, inlined })
}
