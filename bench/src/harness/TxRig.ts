/**
 * A TX rig: one device of a driver with an AF_XDP socket bound zero-copy to queue 0, `batch`
 * frames written into the UMEM and `batch` TX descriptors produced on the socket's TX ring — the
 * application's part, done before timing. The two timed halves of the TX path are separated from
 * the hardware's transmit (hwTransmit), as the RX rig separates hwReceive:
 *
 *   submit state S0 --submit()--> driver ring posted --hwTransmit (untimed)--> complete state S1
 *   S1 --complete()--> completions reaped, stamps delivered
 *
 * submit():   ndo_xsk_wakeup(XDP_WAKEUP_TX) in NAPI budgets of 64 until the batch is posted: the
 *             driver peeks each descriptor, builds its TX descriptor / WQE and runs the request
 *             side (xsk_tx_metadata_request through the driver's tmo ops, or the devtx SUBMIT_XDP
 *             program), one doorbell per budget;
 * complete(): the TX completion poll in budgets of 64 until the batch is reaped: the driver reads
 *             each completion and runs the completion side (xsk_tx_metadata_complete into the
 *             UMEM, or the devtx COMPLETE_XDP program).
 * S0 and S1 are captured with DeviceReplay (the socket's rings are reachable from the device
 * through the bound queue; the UMEM, larger than the replay's copy limit, is not copied — the
 * timed halves never write frame bytes, and the completion's tx_timestamp writes are rewritten
 * with the same values every iteration).
 *
 * Frames: the corpus's UDP / TCP frames of 60..1514 bytes, their transport checksum field zeroed
 * (so a frame whose checksum request was lost leaves the wire with 0 there — the submit check
 * sees it). With AF_XDP TX metadata (`xskMetadata`) the UMEM is registered with
 * XDP_UMEM_TX_METADATA_LEN and tx_metadata_len 24, each descriptor carries XDP_TX_METADATA and
 * its struct xsk_tx_metadata asks for TIMESTAMP | CHECKSUM with the same csum_start/csum_offset
 * a devtx program computes.
 */
import {
  type DriverPackage,
  decodeDriverConfig,
  type NetDevice,
  registerUmem,
  XdpDescOption,
  XdpTxmdFlags,
  XdpUmemFlag,
  XSK_TX_METADATA_SIZE,
  XskTxMetadataOff,
  makeXskSocket,
  type XskSocket,
  type XskUmem,
  xskTxProduce
} from "@devtx/core"
import { L4Location, l4Locate } from "@devtx/programs"
import { Effect } from "effect"
import { benchFrames, benchInput } from "./BenchInput.js"
import { captureDeviceState, type DeviceState, restoreDeviceState } from "./DeviceReplay.js"

export const TX_NAPI_BUDGET = 64
const CHUNK = 4096
/** where a frame starts in its chunk (room for struct xsk_tx_metadata in front) */
const FRAME_AT = 256

export interface TxRig {
  readonly driver: string
  readonly dev: NetDevice
  readonly config: unknown
  readonly batch: number
  readonly xsk: XskSocket
  readonly umem: XskUmem
  /** UMEM address and length of each frame, in produce order */
  readonly addrs: Uint32Array
  readonly lens: Uint32Array
  /** the submit half (timed): returns descriptors posted */
  readonly submit: () => number
  /** the hardware's transmit (never timed) */
  readonly transmit: () => number
  /** the completion half (timed): returns descriptors completed (>= packets: ice counts its context descriptors) */
  readonly complete: () => number
  /** untimed: back to S0 (descriptors produced, nothing posted) */
  readonly restoreSubmit: () => void
  /** capture S1 (call after submit + transmit); then restoreComplete puts it back */
  readonly captureComplete: () => void
  readonly restoreComplete: () => void
}

export class TxRigError extends Error {
  constructor(readonly driver: string, readonly step: string, readonly detail: string) {
    super(`${driver} TX rig, ${step}: ${detail}`)
  }
}

const pow2 = (n: number): number => {
  let s = 64
  while (s < n) s <<= 1
  return s
}

let txFrames: ReadonlyArray<Uint8Array> | undefined
let txFramesOf: ReadonlyArray<Uint8Array> | undefined
/** UDP / TCP frames of 60..1514 bytes from the run's frames (BenchInput.ts: the corpus by default), in order. */
export const txCorpus = (): ReadonlyArray<Uint8Array> => {
  const all = benchFrames()
  if (txFrames === undefined || txFramesOf !== all) {
    const loc = new L4Location()
    txFrames = all.filter((b) => b.length >= 60 && b.length <= 1514 && l4Locate(b, 0, b.length, loc) === 0)
    txFramesOf = all
  }
  return txFrames
}

export const txConfigFor = (driver: string, batch: number): Record<string, unknown> => {
  const common = { rxQueues: 1, ringSize: 64, txRingSize: pow2(batch), frameSize: 4096 }
  const own = driver === "mlx5" ? { ...common, tsFormat: "real-time", cqeCompression: false, rxTimestamp: "all", xdpTxMpwqe: false } : common
  return { ...own, ...benchInput().config }
}

/**
 * TX queues a driver needs to post `batch` packets at once: ice posts a context descriptor in front
 * of every packet a devtx submit program runs for (2 descriptors per packet) and its rings hold at
 * most 4096 descriptors, and keeps one slot unused, so it spreads the batch over 3 queues (one socket each).
 */
export const txQueuesFor = (driver: string): number => (driver === "ice" ? 3 : 1)

export const makeTxRig = <C>(driver: DriverPackage<C>, batch: number, xskMetadata: boolean, ifindex = 2): TxRig => {
  const queues = txQueuesFor(driver.name)
  const perQueue = Math.ceil(batch / queues)
  const input = { ...(driver.defaultConfig as Record<string, unknown>), ...txConfigFor(driver.name, batch), rxQueues: queues }
  const config = Effect.runSync(decodeDriverConfig(driver, input))
  const dev = driver.createDevice(config, { ifname: `${driver.name}${ifindex}`, ifindex })
  dev.stack = () => {}
  dev.wire = () => {}
  const umem = registerUmem({
    len: queues * perQueue * CHUNK,
    chunkSize: CHUNK,
    headroom: 0,
    flags: xskMetadata ? XdpUmemFlag.TX_METADATA_LEN : 0,
    txMetadataLen: xskMetadata ? XSK_TX_METADATA_SIZE : 0
  })
  if (!("area" in umem)) throw new TxRigError(driver.name, "XDP_UMEM_REG", umem.message)
  const ring = pow2(perQueue)
  const sockets: XskSocket[] = []
  for (let q = 0; q < queues; q++) {
    const xsk = makeXskSocket(umem, "zerocopy", ifindex, q, { fill: 64, comp: ring, rx: 64, tx: ring })
    if (xsk instanceof RangeError) throw new TxRigError(driver.name, "rings", xsk.message)
    const rc = dev.xskBindZeroCopy(xsk)
    if (rc !== 0) throw new TxRigError(driver.name, "bind", `xsk bind (zero-copy) of queue ${q} returned ${rc}`)
    sockets.push(xsk)
  }
  const frames = txCorpus()
  if (frames.length === 0) throw new TxRigError(driver.name, "frames", "the run's frames hold no UDP or TCP frame of 60..1514 bytes to transmit")
  const mem = umem.area.bytes
  const view = umem.area.view
  const addrs = new Uint32Array(batch)
  const lens = new Uint32Array(batch)
  const loc = new L4Location()
  for (let i = 0; i < batch; i++) {
    const f = frames[i % frames.length]!
    const addr = i * CHUNK + FRAME_AT
    mem.set(f, addr)
    l4Locate(mem, addr, f.length, loc)
    view.setUint16(addr + loc.start + loc.offset, 0, false)
    addrs[i] = addr
    lens[i] = f.length
    if (xskMetadata) {
      const m = addr - XSK_TX_METADATA_SIZE
      mem.fill(0, m, addr)
      view.setUint32(m + XskTxMetadataOff.FLAGS, XdpTxmdFlags.TIMESTAMP | XdpTxmdFlags.CHECKSUM, true)
      view.setUint16(m + XskTxMetadataOff.CSUM_START, loc.start, true)
      view.setUint16(m + XskTxMetadataOff.CSUM_OFFSET, loc.offset, true)
    }
    const xsk = sockets[Math.floor(i / perQueue)]!
    if (!xskTxProduce(xsk, addr, f.length, xskMetadata ? XdpDescOption.TX_METADATA : 0)) throw new TxRigError(driver.name, "produce", `TX ring full at ${i}`)
  }
  const s0: DeviceState = captureDeviceState(dev)
  let s1: DeviceState | undefined
  // each half runs queue 0 to the end, then queue 1: completions come back in produce order
  const submit = (): number => {
    let n = 0
    for (let q = 0; q < queues; q++)
      for (;;) {
        const k = dev.xskWakeupTx(q, TX_NAPI_BUDGET)
        if (k <= 0) break
        n += k
      }
    return n
  }
  const transmit = (): number => {
    let n = 0
    for (let q = 0; q < queues; q++)
      for (;;) {
        const k = dev.hwTransmit(q, TX_NAPI_BUDGET)
        if (k <= 0) break
        n += k
      }
    return n
  }
  // napiPollTx counts descriptors (ice: a context descriptor in front of each packet), so each queue is polled until it has nothing left
  const complete = (): number => {
    let n = 0
    for (let q = 0; q < queues; q++)
      for (;;) {
        const k = dev.napiPollTx(q, TX_NAPI_BUDGET)
        if (k <= 0) break
        n += k
      }
    return n
  }
  return {
    driver: driver.name,
    dev,
    config,
    batch,
    xsk: sockets[0]!,
    umem,
    addrs,
    lens,
    submit,
    transmit,
    complete,
    restoreSubmit: () => restoreDeviceState(s0),
    captureComplete: () => {
      s1 = captureDeviceState(dev)
    },
    restoreComplete: () => {
      if (s1 === undefined) throw new TxRigError(driver.name, "replay", "the completion state was not captured")
      restoreDeviceState(s1)
    }
  }
}
