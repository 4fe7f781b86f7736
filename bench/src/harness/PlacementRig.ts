/**
 * The three routes of the placement suite, over one sim RX rig (RxRig.ts: the ring the hardware
 * model filled, replayed before every iteration). Per design (PlacementProbes.ts) a route owns its
 * headroom plan, its registry, its redirect map and its far end:
 *
 *   devmap-xdp: sim NAPI poll --first program: prepare, 3 kfunc reads, store,
 *           bpf_redirect_map(DEVMAP)--> xdp_do_redirect --> veth-like ndo_xdp_xmit (copies the
 *           buffer into its ring, xdp_convert_frame_to_buff) --> its XDP program reads the design
 *           back, XDP_DROP
 *   devmap-skb: the same redirect; the veth-like device has no program (XDP_PASS) and builds the
 *           skb from the frame (xdpBuildSkbFromFrame, placement-aware, as veth_xdp_rcv_one ->
 *           __xdp_build_skb_from_frame) --> the reader reads the skb back
 *   cpumap-skb: sim NAPI poll --first program ... bpf_redirect_map(CPUMAP)--> xdp_do_redirect queues
 *           the xdp_frame --> after each NAPI budget the cpumap kthread (PlacedKthread) builds an
 *           skb per frame (the same builder) --> the reader reads the skb back. core's enqueue
 *           copies each buffer into a new Uint8Array (redirect/XdpRedirect.ts), an allocation
 *           per frame that this route's figures include (the kernel hands the page over).
 *
 * The timed unit is `run()`: the whole batch in NAPI budgets of 64 (the cpumap kthread drained
 * after each budget, as the kernel flushes the bulk queue at the end of a NAPI poll), i.e. per
 * packet: store + redirect + read back. The veth-like device and the kthread run on the same
 * thread as the poll (devtx has one CPU); nothing else is in the timed region.
 *
 * PlacedKthread is core's cpuMapRunPlaced with its skb and skb extensions preallocated once (core
 * allocates them per call) and the frame's DataView handed to the reader as well as to the builder
 * (core wraps each queued frame in a DataView, so the reader gets that one instead of making its
 * own). The suite checks before timing that it delivers what cpuMapRunPlaced delivers.
 */
import {
  attachXdp,
  BPF_F_XDP_DEV_BOUND_ONLY,
  CpuMap,
  CpuMapQueue,
  DevMap,
  type LoadedXdpProgram,
  loadXdpProgram,
  MetaRegistry,
  makeVethLikeDevice,
  type PlacementContext,
  type PlacementLayout,
  type PlacementOptions,
  placementPrepare,
  planHeadroom,
  type RegistryTable,
  SkbPlacementExt,
  SkbRecord,
  type VethLikeDevice,
  type XdpBuff,
  XdpFrameOff,
  xdpBuildSkbFromFrame
} from "@devtx/core"
import { loadBound } from "@devtx/kfuncs"
import { Effect } from "effect"
import {
  type PlacedSkbReader,
  type PlacementStyle,
  placementFirstProgram,
  placementSkbReader,
  placementXdpReader
} from "../probes/PlacementProbes.js"
import type { ProbeSink } from "../probes/ProbeRecord.js"
import type { RxRig } from "./RxRig.js"

export const PLACEMENT_ROUTES = ["devmap-xdp", "devmap-skb", "cpumap-skb"] as const
export type PlacementRoute = (typeof PLACEMENT_ROUTES)[number]

export const PLACEMENT_NAPI_BUDGET = 64

/** The headroom plan of each style (the TLV area holds the three records: 2 + 10 + 6 + 10 bytes). */
export const PLACEMENT_OPTIONS: Readonly<Record<PlacementStyle, PlacementOptions>> = {
  "redirect-only": { rxMeta: "off", registry: false, tlvCapacity: 0, traits: "off" },
  "data-meta": { rxMeta: "off", registry: false, tlvCapacity: 0, traits: "off" },
  "xdp-rx-meta-v2": { rxMeta: "v2", registry: false, tlvCapacity: 0, traits: "off" },
  "xdp-rx-meta-ts": { rxMeta: "ts-in-rx-meta", registry: false, tlvCapacity: 0, traits: "off" },
  registry: { rxMeta: "off", registry: true, tlvCapacity: 0, traits: "off" },
  "traits-v1": { rxMeta: "off", registry: false, tlvCapacity: 0, traits: "v1" },
  "traits-v2": { rxMeta: "off", registry: false, tlvCapacity: 0, traits: "v2" },
  tlv: { rxMeta: "off", registry: false, tlvCapacity: 48, traits: "off" }
}

export class PlacementRigError extends Error {
  constructor(readonly style: string, readonly detail: string) {
    super(`placement ${style}: ${detail}`)
  }
}

/** The cpumap kthread of this suite (see the module comment). */
export class PlacedKthread {
  readonly skb = new SkbRecord()
  readonly ext = new SkbPlacementExt()
  tsLost = 0

  constructor(
    readonly layout: PlacementLayout,
    readonly registry: RegistryTable,
    readonly read: PlacedSkbReader
  ) {}

  run(q: CpuMapQueue): number {
    let n = 0
    while (q.frames.length > 0) {
      const mem = q.frames.shift()!
      const base = q.frameAddrs.shift()!
      // the same per-frame wrapper cpuMapRunPlaced makes: each queued frame is its own copy
      const v = new DataView(mem.buffer, mem.byteOffset, mem.byteLength)
      const ifindex = v.getUint32(XdpFrameOff.DEV_RX, true)
      if (xdpBuildSkbFromFrame(mem, v, 0, base, ifindex, this.layout, this.registry, this.skb, this.ext) < 0) this.tsLost++
      this.read(this.skb, this.ext, mem, v)
      n++
    }
    return n
  }
}

export interface PlacementSetup {
  readonly style: PlacementStyle
  readonly route: PlacementRoute
  readonly pc: PlacementContext
  /** the first program, loaded dev-bound on the sim (attach it before running) */
  readonly first: LoadedXdpProgram
  /** devmap-*: the second device; cpumap-skb: the queue and the kthread */
  readonly veth: VethLikeDevice | undefined
  readonly queue: CpuMapQueue | undefined
  readonly kthread: PlacedKthread | undefined
  readonly reader: PlacedSkbReader | undefined
  /** the timed unit: the whole replayed batch, store + redirect + read back; returns packets polled */
  readonly run: () => number
}

const layoutOf = (style: PlacementStyle): PlacementLayout => {
  const l = planHeadroom(PLACEMENT_OPTIONS[style])
  if ("_tag" in l) throw new PlacementRigError(style, l.message)
  return l
}

/** The driver's per-buffer preparation every design's first program runs (xdp_prepare_buff's additions). */
const prepare = (ctx: XdpBuff, pc: PlacementContext): void => placementPrepare(ctx, pc)

export const makePlacementSetup = (rig: RxRig, style: PlacementStyle, route: PlacementRoute, sink: ProbeSink, ifindex: number): PlacementSetup => {
  const layout = layoutOf(style)
  const pc: PlacementContext = { layout, registry: new MetaRegistry("holes").table }
  const dev = rig.dev
  const poll = (): number => dev.napiPoll(0, PLACEMENT_NAPI_BUDGET)
  if (route === "devmap-xdp" || route === "devmap-skb") {
    const veth = makeVethLikeDevice({ ifname: `veth${ifindex}`, ifindex, layout, registry: pc.registry })
    const map = new DevMap(1)
    map.entries[0] = veth
    let reader: PlacedSkbReader | undefined
    if (route === "devmap-xdp")
      Effect.runSync(
        attachXdp(veth, Effect.runSync(loadXdpProgram(placementXdpReader(style, pc, sink), { ifindex, flags: BPF_F_XDP_DEV_BOUND_ONLY, devices: [veth] })))
      )
    else {
      const read = placementSkbReader(style, pc, sink)
      reader = read
      // the veth's receive memory is one area: its DataView is made once, when first seen
      let lastMem: Uint8Array | undefined
      let lastView: DataView | undefined
      veth.placedStack = (skb, ext, mem) => {
        if (mem !== lastMem) {
          lastMem = mem
          lastView = new DataView(mem.buffer, mem.byteOffset, mem.byteLength)
        }
        read(skb, ext, mem, lastView!)
      }
    }
    const first = Effect.runSync(loadBound(placementFirstProgram(style, pc, { map }, prepare), dev, { mode: "dev-bound" }))
    const run = (): number => {
      let n = 0
      for (;;) {
        const k = poll()
        if (k <= 0) return n
        n += k
      }
    }
    return { style, route, pc, first, veth, queue: undefined, kthread: undefined, reader, run }
  }
  const queue = new CpuMapQueue(4 * PLACEMENT_NAPI_BUDGET)
  const map = new CpuMap(1)
  map.entries[0] = queue
  const reader = placementSkbReader(style, pc, sink)
  const kthread = new PlacedKthread(layout, pc.registry, reader)
  const first = Effect.runSync(loadBound(placementFirstProgram(style, pc, { map }, prepare), dev, { mode: "dev-bound" }))
  const run = (): number => {
    let n = 0
    for (;;) {
      const k = poll()
      if (k <= 0) return n
      n += k
      kthread.run(queue)
    }
  }
  return { style, route, pc, first, veth: undefined, queue, kthread, reader, run }
}
