/**
 * The files of a new driver package (packages/drivers-NAME), as path -> text. What it is: a NIC
 * with a working RX path and no offload — the hardware model DMAs each frame into a posted
 * buffer and writes a 16-byte completion (length only); the driver polls completions, runs the
 * attached XDP program, and passes packets to the stack. Its xdp_metadata_ops table is empty,
 * so every RX kfunc returns -EOPNOTSUPP, which its RxSemantics declare: core's conformance suite
 * passes on it, and one test per metadata op fails with a message saying that op is not
 * implemented yet and where to write it. Nothing registers itself anywhere: its package.json
 * says `"devtx": { "driver": true }`, which is how the devtx command, the bench and the tests
 * discover it in the workspace (`packages/*`; docs/adding-a-nic.md). Its index exports what a
 * driver promises (`driver`, `layer`); the rest is the `./internals` entry.
 */
import { pascalCase } from "./DriverName.js"

export const driverPackageFiles = (name: string): ReadonlyArray<readonly [string, string]> => {
  const P = pascalCase(name)
  const pkg = `@devtx/drivers-${name}`
  return [
    [
      "package.json",
      `${JSON.stringify(
        {
          name: pkg,
          version: "0.1.0",
          private: true,
          devtx: { driver: true },
          description: `devtx driver for ${name} (scaffolded by devtx new-driver)`,
          type: "module",
          engines: { node: ">=20" },
          main: "./dist/index.js",
          types: "./dist/index.d.ts",
          exports: {
            ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
            "./internals": { types: "./dist/internals.d.ts", default: "./dist/internals.js" }
          },
          dependencies: { "@devtx/core": "0.1.0", effect: "4.1.0" }
        },
        null,
        2
      )}\n`
    ],
    [
      "tsconfig.json",
      `${JSON.stringify(
        {
          extends: "../../tsconfig.base.json",
          compilerOptions: { rootDir: "src", outDir: "dist", tsBuildInfoFile: "dist/.tsbuildinfo" },
          include: ["src"],
          references: [{ path: "../core" }]
        },
        null,
        2
      )}\n`
    ],
    [
      "README.md",
      `# ${pkg}

A devtx NIC driver package for **${name}**, scaffolded by \`devtx new-driver ${name}\`.

What is here: a hardware model that DMAs each frame into a posted RX buffer and writes a 16-byte
completion (length only), a driver that polls completions, runs the attached XDP program and
passes packets to the stack, and an **empty** \`xdp_metadata_ops\` table: every RX metadata kfunc
returns \`-EOPNOTSUPP\`. Its \`rxSemantics\` say exactly that, so core's RX conformance suite
passes; \`test/${P}Conformance.test.ts\` also has one test per metadata op that fails until the
op is implemented.

## Next steps

1. Nothing to register: \`"devtx": { "driver": true }\` in this package.json is how devtx finds
   it (docs/adding-a-nic.md). Run \`npm install\` (links the package, records it in
   package-lock.json), \`npm run build\` (builds every workspace package), then
   \`npx devtx drivers\` lists **${name}** with what it still lacks, and \`npx devtx bench\` runs
   it (its raw styles and TX groups skip, saying why).
2. Model the real descriptor: replace the 16-byte completion in
   \`src/datapath/${P}RxQueue.ts\` with the NIC's completion / write-back layout (draw it in ASCII
   above the reader, cite the kernel header of every field).
3. Make the hardware model compute real values (Toeplitz RSS hash, checksum verdicts, VLAN
   stripping, PHC timestamps) under a configuration decoded by \`src/${P}Config.ts\`.
4. Implement the ops in \`src/datapath/${P}MetadataOps.ts\` (\`xmo_rx_timestamp\`, \`xmo_rx_hash\`,
   \`xmo_rx_vlan_tag\`, \`xmo_rx_checksum\`) reading your descriptor, and declare what they mean
   in \`rxSemantics\` (\`src/index.ts\`). Each op test in \`test/${P}Conformance.test.ts\` turns green
   when its op exists; the conformance suite then compares every value with the frame's truth.
   A difference you cannot remove (a hardware quirk) goes into \`KNOWN_GAPS\` with its reason.
5. Publish your BTF (\`DriverPackage.btf\`, split on core's kernel base BTF) for the raw design,
   and build the TX half (the device spreads core's \`txNotImplemented()\` until then).
`
    ],
    [
      "src/index.ts",
      `/**
 * ${pkg} — the ${name} NIC (scaffolded by devtx new-driver). Exports one \`driver\` value
 * (DriverPackage) and a \`layer\` providing it as the NicDriver service, nothing else (the
 * datapath is \`${pkg}/internals\`); nothing registers itself.
 */
import { type DriverPackage, NicDriver, type RxSemantics } from "@devtx/core"
import { Layer } from "effect"
import { ${P}ConfigSchema, type ${P}Config, default${P}Config } from "./${P}Config.js"
import { create${P}Device } from "./${P}Device.js"

/** What the RX metadata means: nothing is offloaded yet (update with each op you implement). */
const rxSemantics = (c: ${P}Config): RxSemantics => ({
  mtu: c.mtu,
  rss: "off",
  vlanStrip: { ctag: false, stag: false },
  vlanProto: "tpid",
  timestamps: false,
  checksum: "off"
})

export const driver: DriverPackage<${P}Config> = {
  name: "${name}",
  summary: "${name}: scaffolded NIC, RX path without offloads (see README next steps)",
  configSchema: ${P}ConfigSchema,
  defaultConfig: default${P}Config,
  createDevice: create${P}Device,
  rxSemantics
}

export const layer = Layer.succeed(NicDriver, driver)
`
    ],
    [
      "src/internals.ts",
      `/**
 * ${pkg}/internals — the package's own parts for its tests and for benches (configuration schema,
 * device, metadata ops, RX queue). Not the driver contract: hosts use \`driver\` from the index.
 */
export * from "./${P}Config.js"
export * from "./${P}Device.js"
export * from "./datapath/${P}MetadataOps.js"
export * from "./datapath/${P}RxQueue.js"
`
    ],
    [
      `src/${P}Config.ts`,
      `/**
 * Configuration of the ${name} device, decoded with effect's Schema: ring size (power of two),
 * RX buffer size (power of two, at least MIN_FRAME_SIZE), MTU. Add the NIC's offload switches
 * (rxhash, RSS key, VLAN stripping, timestamping, rxcsum) as you model them.
 */
import { Schema } from "effect"

const PowerOfTwo = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) =>
      Number.isInteger(n) && n >= min && n <= max && (n & (n - 1)) === 0 ? undefined : \`expected a power of two in [\${min}, \${max}], got \${n}\`
    )
  )
const IntIn = (min: number, max: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) => (Number.isInteger(n) && n >= min && n <= max ? undefined : \`expected an integer in [\${min}, \${max}], got \${n}\`))
  )

export const ${P}ConfigSchema = Schema.Struct({
  ringSize: PowerOfTwo(64, 8192),
  frameSize: PowerOfTwo(2048, 65536),
  mtu: IntIn(68, 9000)
})
export type ${P}Config = typeof ${P}ConfigSchema.Type

export const default${P}Config: ${P}Config = { ringSize: 512, frameSize: 4096, mtu: 1500 }
`
    ],
    [
      `src/datapath/${P}MetadataOps.ts`,
      `/**
 * ${name}'s struct xdp_metadata_ops. Empty: every RX metadata kfunc returns -EOPNOTSUPP (the
 * default bodies in net/core/xdp.c). Implement each member over your descriptor:
 *   xmoRxTimestamp(ctx, out: RxTimestampOut)  xmo_rx_timestamp: out.hi/out.lo = ns, 0 or -ENODATA
 *   xmoRxHash(ctx, out: RxHashOut)            xmo_rx_hash: out.hash, out.rssType (enum xdp_rss_hash_type)
 *   xmoRxVlanTag(ctx, out: RxVlanTagOut)      xmo_rx_vlan_tag: out.vlanProto (network order), out.vlanTci
 *   xmoRxChecksum(ctx, out: RxChecksumOut)    xmo_rx_checksum (proposed): ip_summed, cksum, level
 * Per-packet code: no allocation, no exceptions, no effect import; numeric status codes.
 */
import type { XdpMetadataOps } from "@devtx/core"

export const ${name}XdpMetadataOps: XdpMetadataOps = {}
`
    ],
    [
      `src/datapath/${P}RxQueue.ts`,
      `/**
 * One RX queue of the ${name} model: a ring of posted buffers in a FrameArea and a completion
 * ring of 16-byte little-endian entries the hardware writes and the driver polls. Per-packet
 * code: no allocation, no exceptions, no effect import.
 *
 * Completion entry (devtx placeholder until the real ${name} layout replaces it):
 *
 *    0                   1                   2                   3
 *    +---------------------------------------------------------------+
 *  0 | byte count (u32)                                              |
 *  4 | buffer index (u32)                                            |
 *  8 | reserved (u32)                                                |
 * 12 | reserved (u24)                                | owner (u8) 1=hw done |
 *    +---------------------------------------------------------------+
 */
import {
  accountXdpVerdict,
  Errno,
  type FrameArea,
  frameAddr,
  frameDataCapacity,
  makeFrameArea,
  type NetDevice,
  runXdp,
  SkbRecord,
  XDP_PACKET_HEADROOM,
  XdpAction,
  XdpBuff,
  xdpGetMetalen,
  xdpPrepareBuff
} from "@devtx/core"

export const ${P}Completion = { BYTE_COUNT: 0, BUFFER: 4, OWNER: 15, SIZE: 16 } as const

/** ETH_HLEN, ETH_ZLEN (include/uapi/linux/if_ether.h); VLAN_HLEN (include/linux/if_vlan.h) */
const ETH_HLEN = 14
const ETH_ZLEN = 60
const VLAN_HLEN = 4

export class ${P}RxQueue {
  readonly area: FrameArea
  readonly completions: DataView
  readonly mask: number
  /** next completion the hardware writes / the driver reads */
  hwHead = 0
  swHead = 0
  readonly xdp: XdpBuff
  readonly skb = new SkbRecord()

  constructor(
    readonly index: number,
    readonly ringSize: number,
    frameSize: number,
    readonly mtu: number,
    readonly ifindex: number,
    dev: { readonly xdpMetadataOps: NetDevice["xdpMetadataOps"] }
  ) {
    this.area = makeFrameArea({ frameCount: ringSize, frameSize })
    this.completions = new DataView(new ArrayBuffer(ringSize * ${P}Completion.SIZE))
    this.mask = ringSize - 1
    this.xdp = new XdpBuff(this.area, { ifindex, queueIndex: index, dev })
  }

  /** Hardware: MAC filter, DMA, completion. 0, -EINVAL (dropped by the MAC), -ENOBUFS (ring full). */
  receive(frame: Uint8Array, offset: number, len: number): number {
    let l2 = ETH_HLEN
    for (let o = offset + 12; o + 4 <= offset + len; o += VLAN_HLEN) {
      const tpid = (frame[o]! << 8) | frame[o + 1]!
      if (tpid !== 0x8100 && tpid !== 0x88a8) break
      l2 += VLAN_HLEN
    }
    if (len < ETH_ZLEN || len - l2 > this.mtu || len > frameDataCapacity(this.area.frameSize)) return -Errno.EINVAL
    if (this.hwHead - this.swHead >= this.ringSize) return -Errno.ENOBUFS
    const slot = this.hwHead & this.mask
    this.area.bytes.set(frame.subarray(offset, offset + len), frameAddr(this.area, slot) + XDP_PACKET_HEADROOM)
    const c = slot * ${P}Completion.SIZE
    this.completions.setUint32(c + ${P}Completion.BYTE_COUNT, len, true)
    this.completions.setUint32(c + ${P}Completion.BUFFER, slot, true)
    this.completions.setUint8(c + ${P}Completion.OWNER, 1)
    this.hwHead++
    return 0
  }

  pending(): number {
    return this.hwHead - this.swHead
  }

  /** Driver: NAPI poll of up to \`budget\` completions. */
  poll(dev: NetDevice, budget: number): number {
    let done = 0
    while (done < budget && this.swHead !== this.hwHead) {
      const c = (this.swHead & this.mask) * ${P}Completion.SIZE
      if (this.completions.getUint8(c + ${P}Completion.OWNER) !== 1) break
      const len = this.completions.getUint32(c + ${P}Completion.BYTE_COUNT, true)
      const buf = this.completions.getUint32(c + ${P}Completion.BUFFER, true)
      this.completions.setUint8(c + ${P}Completion.OWNER, 0)
      this.swHead++
      done++
      dev.rxStats.packets++
      dev.rxStats.bytes += len
      const hard = frameAddr(this.area, buf)
      xdpPrepareBuff(this.xdp, hard, XDP_PACKET_HEADROOM, len, this.area.frameSize, true)
      this.xdp.rawDesc = this.completions
      this.xdp.rawDescOff = c
      const prog = dev.xdpProg
      let act: number = XdpAction.PASS
      if (prog !== undefined) {
        act = runXdp(prog.run, this.xdp)
        if (accountXdpVerdict(dev.rxStats, act) !== 0 || act !== XdpAction.PASS) continue
      }
      const skb = this.skb
      skb.reset()
      skb.ifindex = this.ifindex
      skb.queue = this.index
      skb.dataAddr = this.xdp.data
      skb.len = this.xdp.dataEnd - this.xdp.data
      skb.metaLen = prog === undefined ? 0 : xdpGetMetalen(this.xdp)
      dev.rxStats.skbs++
      dev.stack(skb, this.area.bytes)
    }
    return done
  }
}
`
    ],
    [
      `src/${P}Device.ts`,
      `/**
 * A ${name} device: RX queue 0 of the model (add queues with RSS), no PHC yet (readPhc gives 0),
 * the TX half not built (core's txNotImplemented()).
 */
import { type DeviceOptions, type NetDevice, RxStats, txNotImplemented, xdpRxMetadataFeaturesOf } from "@devtx/core"
import type { ${P}Config } from "./${P}Config.js"
import { ${name}XdpMetadataOps } from "./datapath/${P}MetadataOps.js"
import { ${P}RxQueue } from "./datapath/${P}RxQueue.js"

export const create${P}Device = (config: ${P}Config, options: DeviceOptions): NetDevice => {
  const ops = ${name}XdpMetadataOps
  const opsHolder = { xdpMetadataOps: ops }
  const queue = new ${P}RxQueue(0, config.ringSize, config.frameSize, config.mtu, options.ifindex, opsHolder)
  const dev: NetDevice = {
    driver: "${name}",
    ifname: options.ifname,
    ifindex: options.ifindex,
    numRxQueues: 1,
    xdpMetadataOps: ops,
    xdpRxMetadataFeatures: xdpRxMetadataFeaturesOf(ops),
    xskFeatures: 0,
    rxStats: new RxStats(),
    xdpProg: undefined,
    stack: () => {},
    hwReceive(frame, offset, len) {
      const r = queue.receive(frame, offset, len)
      if (r === -22) dev.rxStats.rxDroppedByMac++
      else if (r < 0) dev.rxStats.rxMissed++
      return r < 0 ? r : 0
    },
    napiPoll: (_q, budget) => queue.poll(dev, budget),
    rxPending: () => queue.pending(),
    readPhc(out) {
      out.hi = 0
      out.lo = 0
    },
    ...txNotImplemented()
  }
  return dev
}
`
    ],
    [
      `test/${P}Conformance.test.ts`,
      `/**
 * ${name} through core's RX conformance suite (truth-derived expectations over the built-in
 * corpus), with the checked-in known gaps; and one test per RX metadata op that fails until the
 * op is implemented in src/datapath/${P}MetadataOps.ts.
 */
import { builtinCorpus, checkConformance, type KnownGap, runRxConformance } from "@devtx/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { driver } from "../src/index.js"

const KNOWN_GAPS: ReadonlyArray<KnownGap> = []

describe("drivers-${name} conformance", () => {
  it("matches the ground truth for what it declares (defaults)", async () => {
    const report = await Effect.runPromise(runRxConformance(driver, builtinCorpus()))
    const verdict = checkConformance(report, KNOWN_GAPS)
    expect(verdict.unexplained.slice(0, 5)).toEqual([])
    expect(verdict.stale).toEqual([])
    expect(report.received).toBeGreaterThan(0)
  })

  const dev = driver.createDevice(driver.defaultConfig, { ifname: "${name}0", ifindex: 2 })
  const ops: ReadonlyArray<readonly [keyof typeof dev.xdpMetadataOps, string]> = [
    ["xmoRxTimestamp", "xmo_rx_timestamp"],
    ["xmoRxHash", "xmo_rx_hash"],
    ["xmoRxVlanTag", "xmo_rx_vlan_tag"],
    ["xmoRxChecksum", "xmo_rx_checksum"]
  ]
  for (const [member, kernelName] of ops) {
    it(\`implements \${kernelName}\`, () => {
      expect(
        dev.xdpMetadataOps[member],
        \`${name}: \${kernelName} is not implemented yet — write \${member} in src/datapath/${P}MetadataOps.ts and declare it in rxSemantics (README step 4)\`
      ).toBeTypeOf("function")
    })
  }
})
`
    ]
  ]
}
