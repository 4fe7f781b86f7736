/**
 * A network device instance: one NIC's hardware model and its driver, brought up with a
 * configuration. This is the contract between core (hook, loader, hosts) and a driver package.
 *
 * Data flow on RX:  wire -> hwReceive (hardware model: DMA into a posted buffer, write the
 * completion descriptor) -> napiPoll (driver: read completions, build its XdpBuff wrapper, run
 * the attached program via core's runXdp, recycle or build the skb) -> the stack sink.
 *
 * Invariants: hwReceive never overwrites a descriptor the driver has not consumed — with no
 * posted buffer the frame is counted in rxStats.rxMissed and -ENOBUFS is returned. napiPoll
 * processes at most `budget` completions and returns how many it did.
 */
import type { DevtxHooks } from "../devtx/DevtxContext.js"
import type { DevtxInlineOps } from "../devtx/DevtxInlineOps.js"
import type { DevtxOps } from "../devtx/DevtxOps.js"
import type { RxStats } from "../hook/RxStats.js"
import type { SkbSink } from "../hook/SkbRecord.js"
import type { XdpProgramFn } from "../hook/XdpHook.js"
import type { RxTimestampOut } from "../metadata/RxMetadataOut.js"
import type { DeviceKernelMemory } from "./KernelMemory.js"
import type { XdpMetadataOps } from "../metadata/XdpMetadataOps.js"
import type { InlineMetadataOps } from "../placement/InlineMetadataOps.js"
import type { TxSkb, TxSkbCompletion, TxWire } from "../xsk/TxSubmission.js"
import type { XskSocket } from "../xsk/XskSocket.js"
import type { XskTxMetadataOps } from "../xsk/XskTxMetadata.js"

/** An XDP program attached to a device, with the device it was bound to at load (0 = not dev-bound). */
export interface AttachedXdpProgram {
  readonly name: string
  readonly run: XdpProgramFn
  readonly boundIfindex: number
}

export interface NetDevice {
  readonly driver: string
  readonly ifname: string
  readonly ifindex: number
  readonly numRxQueues: number
  /** netdev->xdp_metadata_ops */
  readonly xdpMetadataOps: XdpMetadataOps
  /** the same ops as a description the loader can splice (the "inlined" kfunc binding); absent = not offered */
  readonly xdpMetadataInline?: InlineMetadataOps
  /** xdp-rx-metadata-features (derived from the ops table) */
  readonly xdpRxMetadataFeatures: number
  /** xsk-features */
  readonly xskFeatures: number
  readonly rxStats: RxStats
  /** The attached XDP program, if any (set through core's attachXdp). */
  xdpProg: AttachedXdpProgram | undefined
  /** Where XDP_PASS'd packets go. */
  stack: SkbSink
  /** Hardware model: the wire delivers `len` bytes at `offset` of `frame`. 0, or -ENOBUFS. */
  hwReceive(frame: Uint8Array, offset: number, len: number): number
  /** Driver: NAPI poll of one RX queue. */
  napiPoll(queue: number, budget: number): number
  /** Completions waiting on a queue (for hosts deciding to poll). */
  rxPending(queue: number): number
  /**
   * The device's PTP hardware clock now, in ns (hi:lo). Contract for conformance: the hardware
   * model advances its clock when a frame arrives and stamps the frame with the advanced value,
   * so reading the PHC right after hwReceive gives that frame's arrival time.
   */
  readPhc(out: RxTimestampOut): void

  // ---- TX (AF_XDP zero-copy, the skb path, the hardware's send side) ----
  // A driver whose TX half is not built spreads txNotImplemented() (driver/TxNotImplemented.ts).
  readonly numTxQueues: number
  /** the driver's xsk_tx_metadata_ops, as its xsk-features describe; undefined = no AF_XDP TX metadata */
  readonly xskTxMetadataOps: XskTxMetadataOps<never> | undefined
  /** frames leaving the device */
  wire: TxWire
  /** completions of the skb path (ndo_start_xmit submissions), in order */
  skbCompletion: TxSkbCompletion
  /** Bind an AF_XDP socket in zero-copy mode to its queue (xsk_pool setup): 0 or -errno. */
  xskBindZeroCopy(socket: XskSocket): number
  /** ndo_xsk_wakeup(XDP_WAKEUP_TX): the driver pulls descriptors of the bound socket onto its TX ring. Returns descriptors taken. */
  xskWakeupTx(queue: number, budget: number): number
  /** ndo_start_xmit: NetdevTx.OK, NetdevTx.BUSY when the TX ring is full (nothing taken), or -EOPNOTSUPP without a TX half. */
  xmitSkb(queue: number, skb: TxSkb): number
  /** Hardware: transmit what the doorbell exposed (up to `budget` frames), write completions. Returns frames sent. */
  hwTransmit(queue: number, budget: number): number
  /** Driver: TX completion poll: reap completions, write timestamps, release frames. Returns descriptors completed. */
  napiPollTx(queue: number, budget: number): number
  /** TX descriptors the driver has posted that are not completed yet */
  txInFlight(queue: number): number
  /**
   * ndo_xdp_xmit for one xdp_frame written at `frame` in `mem` (its hard start): 1 if the device
   * took it onto a TX ring, 0 if not (ring full, or no TX half).
   */
  xdpXmit(mem: Uint8Array, frame: number): number
  /** the driver's devtx kfunc implementations (undefined: every devtx kfunc is -EOPNOTSUPP) */
  readonly devtxOps: DevtxOps | undefined
  /** programs attached at the four devtx hook points; the driver calls them at its call sites */
  readonly devtx: DevtxHooks
  /** the devtx ops as a description the loader can splice (the "inlined" devtx binding); absent = not offered */
  readonly devtxInline?: DevtxInlineOps
  /** the xdp_buff wrapper and what it points at, for bpf_cast_to_kern_ctx (absent: not exposed) */
  readonly kernelMemory?: DeviceKernelMemory
}
