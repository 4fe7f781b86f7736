/**
 * Where a run's frames come from: a capture file (pcap or pcapng; each packet turned into the
 * Ethernet frame the NIC receives, EthernetReconstruction.ts) or, without --pcap, the built-in
 * corpus (hw-metadata: core's 400-frame corpus; ping-pong: the UDP/9091 pings of
 * pingPongFrames). A malformed capture still yields the packets before the error; the error
 * travels with them so the run reports it after processing them.
 *
 * Padding: a capture taken on the sending host records frames before the MAC pads them (a TCP
 * segment with 5 bytes of payload is 59 bytes). A replay does what the sending NIC does: a frame
 * shorter than ETH_ZLEN (60, FCS not included) gets zero bytes appended up to 60, and `padded`
 * counts them. With `pad: false` (--no-pad) frames are fed as captured, and the MAC drops the
 * short ones as runts. The built-in corpus is never padded: its runts are deliberate.
 */
import * as fs from "node:fs"
import { builtinCorpus } from "@devtx/core"
import { pingPongFrames } from "@devtx/programs"
import { Effect, Result } from "effect"
import { InputFileError } from "../CliErrors.js"
import type { CaptureFormatError, LinkLayerError } from "../pcap/CaptureErrors.js"
import { readCapture } from "../pcap/CaptureFile.js"
import { ethernetFrameOf } from "../pcap/EthernetReconstruction.js"

/** pings fed to the ping-pong without --pcap */
export const DEFAULT_PING_COUNT = 8

export interface FrameSource {
  /** "builtin" or the capture's path */
  readonly input: string
  readonly format: "builtin" | "pcap" | "pcapng" | "unknown"
  readonly frames: ReadonlyArray<Uint8Array>
  /** for each frame, the packet index in the capture (or corpus index) */
  readonly packetIndex: ReadonlyArray<number>
  /** packets of the capture that are not Ethernet-reconstructible */
  readonly skipped: ReadonlyArray<LinkLayerError>
  /** the capture's first format error; the frames before it are in `frames` */
  readonly captureError: CaptureFormatError | undefined
  /** frames shorter than ETH_ZLEN that were padded to it */
  readonly padded: number
}

/** ETH_ZLEN (include/uapi/linux/if_ether.h): minimum frame length without FCS */
export const ETH_ZLEN = 60

export const builtinFrames = (program: "hw-metadata" | "ping-pong"): FrameSource => {
  const frames = program === "ping-pong" ? pingPongFrames(DEFAULT_PING_COUNT) : builtinCorpus().map((f) => f.bytes)
  return { input: "builtin", format: "builtin", frames, packetIndex: frames.map((_, i) => i), skipped: [], captureError: undefined, padded: 0 }
}

export const captureFrames = (path: string, options: { readonly pad: boolean } = { pad: true }): Effect.Effect<FrameSource, InputFileError> =>
  Effect.gen(function* () {
    const bytes = yield* Effect.try({
      try: () => new Uint8Array(fs.readFileSync(path)),
      catch: (e) => new InputFileError({ flag: "--pcap", path, reason: e instanceof Error ? e.message : String(e) })
    })
    const read = readCapture(bytes)
    const frames: Uint8Array[] = []
    const packetIndex: number[] = []
    const skipped: LinkLayerError[] = []
    let padded = 0
    for (const p of read.packets) {
      const r = ethernetFrameOf(p)
      if (Result.isSuccess(r)) {
        const f = r.success
        if (options.pad && f.length < ETH_ZLEN) {
          const out = new Uint8Array(ETH_ZLEN)
          out.set(f)
          frames.push(out)
          padded++
        } else frames.push(f)
        packetIndex.push(p.index)
      } else skipped.push(r.failure)
    }
    return { input: path, format: read.format, frames, packetIndex, skipped, captureError: read.error, padded }
  })
