/**
 * The three kfunc binding modes give identical outputs over the whole corpus, on several sim
 * configurations (the inlined mode's spliced reads against the driver's own functions), and the
 * dev-bound rules hold in every mode: attach to another device fails, a prog array refuses the
 * program, an freplace extension inherits the binding and cannot move to another device.
 */
import {
  attachXdp,
  builtinCorpus,
  decodeDriverConfig,
  Errno,
  expectedRx,
  loadXdpProgram,
  RxChecksumOut,
  RxHashOut,
  RxTimestampOut,
  RxVlanTagOut,
  XdpAction,
  type XdpProgramSpec
} from "@devtx/core"
import { driver } from "@devtx/drivers-sim"
import { createSimDevice, type SimConfig } from "@devtx/drivers-sim/internals"
import {
  attachExtension,
  BindingNotBuiltError,
  bpfTailCall,
  InlineDescriptionError,
  inlineOpSource,
  type KfuncBindingMode,
  KfuncBindingModes,
  loadBound,
  loadDispatcher,
  loadExtension,
  ProgArray,
  progArrayUpdate
} from "@devtx/kfuncs"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { simInlineOps } from "@devtx/drivers-sim/internals"

const corpus = builtinCorpus()

const simDev = (ifindex: number, o: Partial<SimConfig> = {}) => {
  const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64, ...o }))
  const d = createSimDevice(cfg, { ifname: `sim${ifindex}`, ifindex })
  // the one line SimDevice will carry once the lead publishes it: xdpMetadataInline: simInlineOps
  Object.assign(d, { xdpMetadataInline: simInlineOps })
  return { d, cfg }
}

/** Calls every RX kfunc and records rc + outputs of each packet. */
const probe = (rows: number[][]): XdpProgramSpec => ({
  name: "probe_all",
  kfuncs: ["bpf_xdp_metadata_rx_timestamp", "bpf_xdp_metadata_rx_hash", "bpf_xdp_metadata_rx_vlan_tag", "bpf_xdp_metadata_rx_checksum"],
  instantiate: ({ kfuncs }) => {
    const ts = new RxTimestampOut()
    const h = new RxHashOut()
    const vl = new RxVlanTagOut()
    const c = new RxChecksumOut()
    return (ctx) => {
      ts.hi = ts.lo = h.hash = h.rssType = vl.vlanProto = vl.vlanTci = c.ipSummed = c.cksum = c.cksumLevel = 0
      const a = kfuncs.rxTimestamp(ctx, ts)
      const b = kfuncs.rxHash(ctx, h)
      const d = kfuncs.rxVlanTag(ctx, vl)
      const e = kfuncs.rxChecksum(ctx, c)
      rows.push([a, ts.hi, ts.lo, b, h.hash, h.rssType, d, vl.vlanProto, vl.vlanTci, e, c.ipSummed, c.cksum, c.cksumLevel])
      return XdpAction.DROP
    }
  }
})

const runMode = (mode: KfuncBindingMode, o: Partial<SimConfig>): { rows: number[][]; inlined: ReadonlyArray<string> } => {
  const { d } = simDev(4, o)
  const rows: number[][] = []
  const prog = Effect.runSync(loadBound(probe(rows), d, { mode }))
  Effect.runSync(attachXdp(d, prog))
  for (const f of corpus) {
    d.hwReceive(f.bytes, 0, f.bytes.length)
    for (let q = 0; q < d.numRxQueues; q++) while (d.napiPoll(q, 64) > 0) {}
  }
  return { rows, inlined: prog.binding.inlined }
}

const configs: ReadonlyArray<[string, Partial<SimConfig>]> = [
  ["defaults", {}],
  ["checksum complete, RSS off", { csumComplete: true, rxhash: false }],
  ["no VLAN strip, no timestamps, RXCSUM off", { vlanStripCtag: false, vlanStripStag: false, rxTimestamp: "none", rxcsum: false }],
  ["only the hash op published", { xdpOps: ["hash"] }]
]

describe("binding modes over the corpus", () => {
  for (const [name, o] of configs) {
    it(`generic == dev-bound == inlined: ${name}`, () => {
      const results = KfuncBindingModes.map((m) => runMode(m, o))
      expect(results[0]!.rows.length).toBeGreaterThan(300)
      expect(results[0]!.rows).toEqual(results[1]!.rows)
      expect(results[2]!.rows).toEqual(results[1]!.rows)
      // the inlined mode really spliced every op the device publishes
      const published = (o.xdpOps ?? driver.defaultConfig.xdpOps).length
      expect(results[2]!.inlined.length).toBe(published)
    })
  }

  it("negative control: a description with one wrong offset is caught by the comparison", () => {
    const wrong = {
      ...simInlineOps,
      xmoRxHash: {
        cases: [
          simInlineOps.xmoRxHash!.cases[0]!,
          {
            tests: [],
            rc: 0,
            writes: { hash: { field: { offset: 16, width: 4, bigEndian: false } }, rssType: { field: { offset: 8, width: 2, bigEndian: false } } }
          }
        ]
      }
    } as const
    const { d } = simDev(4)
    Object.assign(d, { xdpMetadataInline: wrong })
    const rows: number[][] = []
    Effect.runSync(attachXdp(d, Effect.runSync(loadBound(probe(rows), d, { mode: "inlined" }))))
    for (const f of corpus) {
      d.hwReceive(f.bytes, 0, f.bytes.length)
      while (d.napiPoll(0, 64) > 0) {}
    }
    expect(rows).not.toEqual(runMode("dev-bound", {}).rows)
  })

  it("the dev-bound values equal ground truth (hash and VLAN from FrameTruth)", () => {
    const { cfg } = simDev(4)
    const sem = driver.rxSemantics(cfg)
    const { rows } = runMode("inlined", {})
    const received = corpus.filter((f) => expectedRx(f.truth, f.bytes, sem).received)
    expect(rows.length).toBe(received.length)
    received.forEach((f, i) => {
      const exp = expectedRx(f.truth, f.bytes, sem)
      const r = rows[i]!
      expect(r[3]).toBe(exp.hash.rc)
      if (exp.hash.rc === 0) expect([r[4], r[5]]).toEqual([exp.hash.hash, exp.hash.type])
      expect(r[6]).toBe(exp.vlan.rc)
      if (exp.vlan.rc === 0) expect([((r[7]! & 0xff) << 8) | (r[7]! >> 8), r[8]]).toEqual([exp.vlan.proto, exp.vlan.tci])
    })
  })

  it("the generated body is straight-line code with constant offsets", () => {
    const src = inlineOpSource(simInlineOps, "xmoRxHash")!
    expect(src).toContain("v.getUint8(o + 7)")
    expect(src).toContain("out.hash = v.getUint32(o + 0, true)")
    expect(src).toContain("out.rssType = v.getUint16(o + 8, true)")
    expect(src).toContain("return -61")
    expect(inlineOpSource(simInlineOps, "xmoRxVlanTag")).toContain("v.getUint16(o + 14, false)")
  })
})

describe("inlined binding: refusals", () => {
  it("a device without an inline description cannot be bound inlined", () => {
    const cfg = Effect.runSync(decodeDriverConfig(driver, { ...driver.defaultConfig, ringSize: 64 }))
    const d = createSimDevice(cfg, { ifname: "sim9", ifindex: 9 })
    Object.assign(d, { xdpMetadataInline: undefined }) // a driver that publishes none (the sim does)
    const exit = Effect.runSyncExit(loadBound(probe([]), d, { mode: "inlined" }))
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("publishes no inline description")
  })

  const bad = (patch: object) => {
    const { d } = simDev(5)
    Object.assign(d, { xdpMetadataInline: { ...simInlineOps, ...patch } })
    return Effect.runSync(Effect.flip(loadBound(probe([]), d, { mode: "inlined" })))
  }

  it("rejects a write to a member the out-parameter does not have", () => {
    const e = bad({ xmoRxHash: { cases: [{ tests: [], rc: 0, writes: { hash: { constant: 1 }, rssType: { constant: 0 }, bogus: { constant: 2 } } }] } })
    expect(e).toBeInstanceOf(BindingNotBuiltError)
    expect(e.cause).toBeInstanceOf(InlineDescriptionError)
    expect(e.cause).toMatchObject({ op: "xmoRxHash", offset: 0, value: "bogus" })
  })

  it("rejects a description whose last case has tests (a descriptor could get no answer)", () => {
    const e = bad({
      xmoRxHash: {
        cases: [{ tests: [{ field: { offset: 7, width: 1, bigEndian: false }, mask: 4, when: "set" }], rc: -Errno.ENODATA, writes: {} }]
      }
    })
    expect(e.cause).toMatchObject({ reason: "the last case must have no tests (the default)" })
  })

  it("rejects a locator that is not an identifier (no code is generated from it)", () => {
    const e = bad({ locator: { view: "desc; globalThis.pwned = 1", offset: "descOff" } })
    expect(e.cause).toMatchObject({ reason: "locator members must be identifiers" })
    expect((globalThis as Record<string, unknown>)["pwned"]).toBeUndefined()
  })

  it("rejects an rc=0 case that leaves a member unwritten, and a bad width", () => {
    expect(bad({ xmoRxTimestamp: { cases: [{ tests: [], rc: 0, writes: { lo: { constant: 1 } } }] } }).cause).toMatchObject({
      reason: "an rc=0 case must write 'hi'"
    })
    expect(
      bad({ xmoRxTimestamp: { cases: [{ tests: [], rc: 0, writes: { lo: { constant: 1 }, hi: { field: { offset: 0, width: 3, bigEndian: false } } } }] } })
        .cause
    ).toMatchObject({ reason: "field width must be 1, 2 or 4", value: 3 })
  })
})

describe("dev-bound rules in every mode", () => {
  for (const mode of KfuncBindingModes) {
    it(`${mode}: attach to another device fails; a prog array refuses the program`, () => {
      const { d: a } = simDev(2)
      const { d: b } = simDev(3)
      const p = Effect.runSync(loadBound(probe([]), a, { mode }))
      const err = Effect.runSync(Effect.flip(attachXdp(b, p)))
      expect(err).toMatchObject({ errno: -Errno.EINVAL, reason: "Program bound to different device" })
      const pa = new ProgArray(4)
      expect(progArrayUpdate(pa, 0, p)).toBe(-Errno.EINVAL)
      expect(pa.entries[0]).toBeUndefined()
    })
  }

  it("a program that is not dev-bound goes into the prog array and is tail-called; bad index is -E2BIG", async () => {
    const p = await Effect.runPromise(loadXdpProgram({ name: "plain", kfuncs: [], instantiate: () => () => XdpAction.TX }))
    const pa = new ProgArray(2)
    expect(progArrayUpdate(pa, 2, p)).toBe(-Errno.E2BIG)
    expect(progArrayUpdate(pa, 1, p)).toBe(0)
    const { d } = simDev(2)
    expect(bpfTailCall(d.queues[0]!.ctx, pa, 1)).toBe(XdpAction.TX)
    expect(bpfTailCall(d.queues[0]!.ctx, pa, 0)).toBe(-Errno.ENOENT)
  })

  for (const mode of KfuncBindingModes) {
    it(`${mode}: an freplace extension inherits the binding and sees what a direct program sees`, () => {
      const direct: number[][] = []
      const viaExt: number[][] = []
      const { d: a } = simDev(2)
      const disp = Effect.runSync(loadDispatcher(a, 2, { mode }))
      const ext = Effect.runSync(loadExtension(probe(viaExt), disp))
      expect(ext.binding?.mode).toBe(mode)
      expect(ext.boundIfindex).toBe(2)
      Effect.runSync(attachExtension(disp, 0, ext))
      Effect.runSync(attachXdp(a, disp))
      for (const f of corpus.slice(0, 120)) {
        a.hwReceive(f.bytes, 0, f.bytes.length)
        while (a.napiPoll(0, 64) > 0) {}
      }
      const { d: a2 } = simDev(2)
      Effect.runSync(attachXdp(a2, Effect.runSync(loadBound(probe(direct), a2, { mode: "dev-bound" }))))
      for (const f of corpus.slice(0, 120)) {
        a2.hwReceive(f.bytes, 0, f.bytes.length)
        while (a2.napiPoll(0, 64) > 0) {}
      }
      expect(viaExt.length).toBeGreaterThan(100)
      expect(viaExt).toEqual(direct)
      // the extension cannot move to a dispatcher bound to another device
      const { d: b } = simDev(3)
      const other = Effect.runSync(loadDispatcher(b, 1, { mode }))
      expect(Effect.runSync(Effect.flip(attachExtension(other, 0, ext)))).toMatchObject({
        errno: -Errno.EINVAL,
        reason: "Target program bound device mismatch"
      })
    })
  }

  it("an extension calling metadata kfuncs needs a dev-bound target", async () => {
    const plain = await Effect.runPromise(loadXdpProgram({ name: "plain", kfuncs: [], instantiate: () => () => XdpAction.PASS }))
    const e = await Effect.runPromise(Effect.flip(loadExtension(probe([]), plain)))
    expect(e).toMatchObject({ errno: -Errno.EINVAL, reason: "metadata kfuncs require device-bound program" })
    const e2 = await Effect.runPromise(Effect.flip(loadExtension({ name: "x", kfuncs: ["bpf_xdp_store_rx_nope"], instantiate: () => () => 0 }, plain)))
    expect(e2).toMatchObject({ errno: -Errno.EACCES })
  })
})
