/**
 * The XDP hook: the part of every driver's poll loop that is the same for all drivers (the
 * kernel's bpf_prog_run_xdp plus the verdict switch drivers open-code). The driver builds the
 * context, calls `runXdp`, then acts on the returned action with its own recycle / skb code.
 *
 * Contract: a program returning a value outside enum xdp_action is treated as XDP_ABORTED
 * (bpf_warn_invalid_xdp_action). XDP_TX and XDP_REDIRECT are counted as unsupported and the
 * frame is recycled: until the TX path lands (issue 4) a device cannot carry them out, and
 * `xdpVerdictUnsupportedReason` says so.
 */
import { Errno } from "../kernel/Errno.js"
import { XdpAction } from "../kernel/XdpAction.js"
import type { XdpBuff } from "../memory/XdpBuff.js"
import type { RxStats } from "./RxStats.js"

/** A loaded, bound XDP program as the data plane runs it. */
export type XdpProgramFn = (ctx: XdpBuff) => number

/** Run the program and normalise its verdict to a valid xdp_action. */
export const runXdp = (prog: XdpProgramFn, ctx: XdpBuff): number => {
  const act = prog(ctx)
  return act === (act | 0) && act >= XdpAction.ABORTED && act <= XdpAction.REDIRECT ? act : XdpAction.ABORTED
}

/**
 * Account a verdict. Returns 0 when the driver should carry it out (DROP: recycle, PASS: build
 * the skb, TX / REDIRECT when `txCapable`), or -EOPNOTSUPP for XDP_TX / XDP_REDIRECT on a driver
 * without a TX half, which then drops and recycles the frame.
 */
export const accountXdpVerdict = (stats: RxStats, act: number, txCapable = false): number => {
  switch (act) {
    case XdpAction.PASS:
      stats.xdpPass++
      return 0
    case XdpAction.DROP:
      stats.xdpDrop++
      return 0
    case XdpAction.TX:
      stats.xdpTx++
      if (txCapable) return 0
      stats.xdpUnsupported++
      return -Errno.EOPNOTSUPP
    case XdpAction.REDIRECT:
      stats.xdpRedirect++
      if (txCapable) return 0
      stats.xdpUnsupported++
      return -Errno.EOPNOTSUPP
    default:
      stats.xdpAborted++
      return 0
  }
}

export const xdpVerdictUnsupportedReason =
  "XDP_TX and XDP_REDIRECT need the driver's TX half, which this driver has not built yet; the frame was dropped and recycled"
