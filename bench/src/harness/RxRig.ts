/**
 * An RX rig: one device of a driver brought up for benchmarking, its single RX ring filled by the
 * driver's hardware model with `batch` frames of the built-in corpus (frames the MAC drops —
 * runts, jumbo frames over the MTU — are skipped; the corpus is cycled until the ring holds
 * `batch` completions), and the filled state captured so every timed iteration starts from it.
 *
 * Geometry: one RX queue (every frame lands on it), ring = batch descriptors (drivers accept
 * rings up to 4096 (ice) / 8192 (sim, mlx5)), 4 KiB frames (mlx5e needs MTU + 594 bytes in a linear buffer). The timed function is `poll()`:
 * the driver's NAPI poll over the whole batch, running the attached program on each packet.
 */
import { type DriverPackage, decodeDriverConfig, type NetDevice } from "@devtx/core"
import { Effect } from "effect"
import { benchFrames, benchInput, benchMode } from "./BenchInput.js"
import { captureDeviceState, type DeviceState, restoreDeviceState } from "./DeviceReplay.js"

export { CORPUS_SEED } from "./BenchInput.js"

export interface RxRig {
  readonly driver: string
  readonly dev: NetDevice
  readonly config: unknown
  readonly batch: number
  readonly state: DeviceState
  /** per ring entry, the index in benchFrames() (BenchInput.ts) of the frame the hardware model received into it */
  readonly frameIndex: ReadonlyArray<number>
  /** the timed part: NAPI poll of the whole batch; returns packets polled */
  readonly poll: () => number
  /** untimed: rings back to what the hardware model wrote */
  readonly restore: () => void
}

export class RigFillError extends Error {
  constructor(readonly driver: string, readonly filled: number, readonly wanted: number) {
    super(`${driver}: the hardware model accepted ${filled} frames into the ring, wanted ${wanted}`)
  }
}

/**
 * Offer the run's frames (BenchInput.ts: the corpus by default) until queue 0 holds `batch`
 * completions; `accepted` gets, per frame the device took, its index in benchFrames().
 */
export const fillRing = (dev: NetDevice, batch: number, startAt = 0, accepted?: number[]): number => {
  const frames = benchFrames()
  if (frames.length === 0) return dev.rxPending(0)
  let i = startAt
  let guard = 0
  while (dev.rxPending(0) < batch && guard < batch * 4) {
    const f = frames[i % frames.length]!
    if (dev.hwReceive(f, 0, f.length) === 0) accepted?.push(i % frames.length)
    i++
    guard++
  }
  return dev.rxPending(0)
}

export const rxConfigFor = (driver: string, batch: number): Record<string, unknown> => {
  let ring = 64
  while (ring < batch) ring <<= 1
  // XDP_TX (mode tx): the TX ring takes the whole batch, so no frame is dropped for want of a slot
  const common = { rxQueues: 1, ringSize: Math.max(64, batch), frameSize: 4096, ...(benchMode() === "tx" ? { txRingSize: ring } : {}) }
  const own = driver === "mlx5" ? { ...common, tsFormat: "real-time", cqeCompression: false, rxTimestamp: "all" } : common
  return { ...own, ...benchInput().config }
}

export const makeRxRig = <C>(driver: DriverPackage<C>, batch: number, ifindex = 2, startAt = 0): RxRig => {
  const input = { ...(driver.defaultConfig as Record<string, unknown>), ...rxConfigFor(driver.name, batch) }
  const config = Effect.runSync(decodeDriverConfig(driver, input))
  const dev = driver.createDevice(config, { ifname: `${driver.name}${ifindex}`, ifindex })
  dev.stack = () => {}
  const frameIndex: number[] = []
  const filled = fillRing(dev, batch, startAt, frameIndex)
  if (filled !== batch) throw new RigFillError(driver.name, filled, batch)
  const state = captureDeviceState(dev)
  return {
    driver: driver.name,
    dev,
    config,
    batch,
    state,
    frameIndex,
    poll: () => dev.napiPoll(0, batch),
    restore: () => restoreDeviceState(state)
  }
}
