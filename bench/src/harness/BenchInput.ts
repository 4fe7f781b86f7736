/**
 * What a run feeds the rigs, set once per worker before any rig is made (runGroupJob): the frames
 * (the bench corpus, or the frames of a capture the host read — `devtx bench --pcap`), an optional
 * single frame size, the xdp-bench mode of the RX programs and a configuration overlay applied to
 * every driver's configuration after the rig's own settings.
 *
 * Size: every frame of the batch is `size` bytes — frames longer are left out, shorter ones are
 * padded with zero bytes after their IP datagram (Ethernet padding: the IP total length still
 * says where the datagram ends, as on the wire). 60 <= size <= 1514 (ETH_ZLEN .. ETH_FRAME_LEN,
 * include/uapi/linux/if_ether.h).
 *
 * Modes (xdp-bench, xdp-tools): drop = XDP_DROP (rxdrop, no skb); pass = XDP_PASS (the driver
 * builds the skb from the buffer and its metadata, handed to the stack sink); tx = XDP_TX (the
 * driver posts the frame on its own TX ring — sized to the batch, the transmit itself untimed).
 */
import { type CorpusFrame, generateCorpus } from "@devtx/core"

export const BENCH_MODES = ["drop", "pass", "tx"] as const
export type BenchMode = (typeof BENCH_MODES)[number]

/** The xdp-bench redirect modes and why they are not RX-suite modes yet. */
export const REDIRECT_MODES_NOT_BUILT: Readonly<Record<string, string>> = {
  "redirect-cpumap": "not built as an RX-suite mode: the CPUMAP route is timed by the placement suite (placement-cpumap-skb, sim NIC)",
  "redirect-devmap": "not built as an RX-suite mode: the DEVMAP routes are timed by the placement suite (placement-devmap-xdp, placement-devmap-skb, sim NIC)",
  "redirect-xsk": "not built as an RX-suite mode: the XSKMAP route is checked by core's placement tests, not timed"
}

/** enum xdp_action (include/uapi/linux/bpf.h) of each mode */
export const MODE_VERDICT: Readonly<Record<BenchMode, number>> = { drop: 1, pass: 2, tx: 3 }

export const ETH_ZLEN = 60
export const ETH_FRAME_LEN = 1514

export interface BenchInput {
  /** frames to use instead of the corpus (already Ethernet frames) */
  readonly frames?: ReadonlyArray<Uint8Array>
  /** where `frames` came from, for the report */
  readonly framesFrom?: string
  readonly size?: number
  readonly mode?: BenchMode
  readonly config?: Readonly<Record<string, unknown>>
}

export const CORPUS_SEED = 0x62656e63 // "benc"

let input: BenchInput = {}
let framesCache: ReadonlyArray<Uint8Array> | undefined

/** Set the run's input (once per worker, before any rig). */
export const setBenchInput = (i: BenchInput): void => {
  input = i
  framesCache = undefined
}

export const benchInput = (): BenchInput => input

export const benchMode = (): BenchMode => input.mode ?? "drop"

const padTo = (f: Uint8Array, size: number): Uint8Array => {
  if (f.length === size) return f
  const out = new Uint8Array(size)
  out.set(f)
  return out
}

let corpusCache: ReadonlyArray<CorpusFrame> | undefined
const benchCorpus = (): ReadonlyArray<CorpusFrame> => {
  if (corpusCache === undefined) corpusCache = generateCorpus({ seed: CORPUS_SEED, count: 2048 })
  return corpusCache
}

/**
 * The corpus frames (with their ground truth) when the rigs cycle through the corpus unchanged —
 * benchFrames()[i] is then corpus[i].bytes; undefined when the input's frames or size replace it.
 */
export const benchCorpusFrames = (): ReadonlyArray<CorpusFrame> | undefined =>
  input.frames === undefined && input.size === undefined ? benchCorpus() : undefined

/** The frames the rigs cycle through: the input's or the corpus, at the input's size. */
export const benchFrames = (): ReadonlyArray<Uint8Array> => {
  if (framesCache === undefined) {
    const base = input.frames ?? benchCorpus().map((f) => f.bytes)
    const size = input.size
    framesCache = size === undefined ? base : base.filter((f) => f.length <= size).map((f) => padTo(f, size))
  }
  return framesCache
}
