/**
 * Toke's registry: every errno path (-ENOSPC past the maximum or out of ids, -ENOENT unknown id
 * or not set on this packet, -EINVAL size mismatch, -EFAULT frame initialised before the field
 * was registered, -EPERM for kernel-predefined ids), both deregistration policies with their
 * consequences, and fast-check sequences against an independent Map model that includes
 * registration after frames were initialised and deregistration.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Errno } from "../../src/kernel/Errno.js"
import {
  REGISTRY_AREA_HDR,
  REGISTRY_MAX_FIELDS,
  REGISTRY_MAX_METADATA_SIZE,
  RegistryFieldId,
  registryFrameInit,
  registryGet,
  registrySet
} from "../../src/placement/datapath/MetaRegistryArea.js"
import { type DeregistrationPolicy, MetaRegistry } from "../../src/placement/MetaRegistry.js"

const AREA = REGISTRY_AREA_HDR + REGISTRY_MAX_METADATA_SIZE
const val = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 13 + i * 5 + 3) & 0xff)
const frame = (r: MetaRegistry) => {
  const b = new Uint8Array(AREA)
  registryFrameInit(b, 0, r.table)
  return b
}
const get = (r: MetaRegistry, f: Uint8Array, id: number, size: number) => {
  const out = new Uint8Array(size)
  const rc = registryGet(f, 0, r.table, id, out, 0, size)
  return { rc, out }
}

describe("registry: errno paths", () => {
  it("predefined ids: HASH 0 (8 B), VLAN 1 (4 B), TIMESTAMP 2 (8 B), not deregistrable", () => {
    const r = new MetaRegistry("holes")
    expect(r.entries()).toEqual([
      { id: RegistryFieldId.HASH, size: 8, offset: 0 },
      { id: RegistryFieldId.VLAN, size: 4, offset: 8 },
      { id: RegistryFieldId.TIMESTAMP, size: 8, offset: 12 }
    ])
    expect(r.deregister(RegistryFieldId.VLAN)).toBe(-Errno.EPERM)
  })

  it("-ENOSPC past MAX_METADATA_SIZE and when the u8 bitmap's ids run out; -EINVAL for a bad size", () => {
    const r = new MetaRegistry("holes", { predefined: false })
    expect(r.register(0)).toBe(-Errno.EINVAL)
    expect(r.register(REGISTRY_MAX_METADATA_SIZE + 1)).toBe(-Errno.EINVAL)
    expect(r.register(60)).toBe(0)
    expect(r.register(5)).toBe(-Errno.ENOSPC)
    expect(r.register(4)).toBe(1)
    const s = new MetaRegistry("holes", { predefined: false })
    for (let i = 0; i < REGISTRY_MAX_FIELDS; i++) expect(s.register(1)).toBe(i)
    expect(s.register(1)).toBe(-Errno.ENOSPC)
  })

  it("-ENOENT (unknown id, or not set on this packet), -EINVAL (size), -EFAULT (frame older than the field)", () => {
    const r = new MetaRegistry("holes")
    const id = r.register(4)
    expect(id).toBe(3)
    const f = frame(r)
    expect(registrySet(f, 0, r.table, 7, val(4, 1), 0, 4)).toBe(-Errno.ENOENT)
    expect(registrySet(f, 0, r.table, 99, val(4, 1), 0, 4)).toBe(-Errno.ENOENT)
    expect(get(r, f, id, 4).rc).toBe(-Errno.ENOENT) // registered but not set on this packet
    expect(registrySet(f, 0, r.table, id, val(8, 1), 0, 8)).toBe(-Errno.EINVAL)
    expect(get(r, f, id, 2).rc).toBe(-Errno.EINVAL)
    expect(registrySet(f, 0, r.table, id, val(4, 1), 0, 4)).toBe(0)
    expect(get(r, f, id, 4)).toEqual({ rc: 0, out: val(4, 1) })
    const late = r.register(8) // after f was initialised
    expect(registrySet(f, 0, r.table, late, val(8, 2), 0, 8)).toBe(-Errno.EFAULT)
    expect(get(r, f, late, 8).rc).toBe(-Errno.EFAULT)
    const g = frame(r)
    expect(registrySet(g, 0, r.table, late, val(8, 2), 0, 8)).toBe(0)
    expect(get(r, g, late, 8)).toEqual({ rc: 0, out: val(8, 2) })
    expect(r.deregister(late)).toBe(0)
    expect(r.deregister(late)).toBe(-Errno.ENOENT)
    expect(get(r, g, late, 8).rc).toBe(-Errno.ENOENT)
  })
})

describe("deregistration: holes vs reshuffle", () => {
  const setup = (policy: DeregistrationPolicy) => {
    const r = new MetaRegistry(policy, { predefined: false })
    const a = r.register(4)
    const b = r.register(4)
    const c = r.register(4)
    const f = frame(r)
    for (const [id, s] of [[a, 1], [b, 2], [c, 3]] as const) expect(registrySet(f, 0, r.table, id, val(4, s), 0, 4)).toBe(0)
    expect(r.deregister(b)).toBe(0)
    return { r, a, b, c, f }
  }

  it("holes: survivors stay put and in-flight frames read them; space is not reclaimed; a reused id meets the old bit (stale value)", () => {
    const { r, a, b, c, f } = setup("holes")
    expect(r.entries()).toEqual([{ id: a, size: 4, offset: 0 }, { id: c, size: 4, offset: 8 }])
    expect(r.table.totalSize).toBe(12) // the hole at 4..8 still counts
    expect(get(r, f, a, 4)).toEqual({ rc: 0, out: val(4, 1) })
    expect(get(r, f, c, 4)).toEqual({ rc: 0, out: val(4, 3) })
    const d = r.register(4) // first fit: the hole; lowest free id: b's
    expect(d).toBe(b)
    expect(r.entries()[1]).toEqual({ id: d, size: 4, offset: 4 })
    // the in-flight frame has bit b set from the old field: the new field "reads" the old bytes
    expect(get(r, f, d, 4)).toEqual({ rc: 0, out: val(4, 2) })
    const g = frame(r)
    expect(get(r, g, d, 4).rc).toBe(-Errno.ENOENT)
  })

  it("reshuffle: space is reclaimed, new frames are right, in-flight frames read moved fields at the old offsets", () => {
    const { r, a, c, f } = setup("reshuffle")
    expect(r.entries()).toEqual([{ id: a, size: 4, offset: 0 }, { id: c, size: 4, offset: 4 }])
    expect(r.table.totalSize).toBe(8)
    expect(get(r, f, a, 4)).toEqual({ rc: 0, out: val(4, 1) }) // did not move
    expect(get(r, f, c, 4)).toEqual({ rc: 0, out: val(4, 2) }) // moved: reads what b left there
    const g = frame(r)
    expect(registrySet(g, 0, r.table, c, val(4, 9), 0, 4)).toBe(0)
    expect(get(r, g, c, 4)).toEqual({ rc: 0, out: val(4, 9) })
  })
})

type Op =
  | { k: "reg"; size: number }
  | { k: "dereg"; pick: number }
  | { k: "init" }
  | { k: "set"; frame: number; id: number; size: number; seed: number }
  | { k: "get"; frame: number; id: number; size: number }

/** An independent model: Maps and arrays, offsets by the policy's plain rule. */
class RefModel {
  reg = new Map<number, { size: number; offset: number; gen: number }>()
  order: number[] = []
  gen = 0
  epoch = 0
  frames: Array<{ total: number; epoch: number; bits: Set<number>; vals: Map<number, { bytes: Uint8Array; gen: number }> }> = []
  constructor(readonly policy: DeregistrationPolicy) {}
  total(): number {
    let t = 0
    for (const e of this.reg.values()) t = Math.max(t, e.offset + e.size)
    return t
  }
  register(size: number): number {
    if (size <= 0 || size > REGISTRY_MAX_METADATA_SIZE) return -Errno.EINVAL
    let id = 0
    while (id < REGISTRY_MAX_FIELDS && this.reg.has(id)) id++
    if (id === REGISTRY_MAX_FIELDS) return -Errno.ENOSPC
    let offset = this.total()
    if (this.policy === "holes") {
      const live = [...this.reg.values()].sort((x, y) => x.offset - y.offset)
      let cur = 0
      for (const e of live) {
        if (e.offset - cur >= size) break
        cur = Math.max(cur, e.offset + e.size)
      }
      offset = cur
    }
    if (offset + size > REGISTRY_MAX_METADATA_SIZE) return -Errno.ENOSPC
    this.reg.set(id, { size, offset, gen: ++this.gen })
    this.order.push(id)
    return id
  }
  deregister(id: number): number {
    if (!this.reg.has(id)) return -Errno.ENOENT
    this.reg.delete(id)
    this.order = this.order.filter((x) => x !== id)
    if (this.policy === "reshuffle") {
      let off = 0
      for (const i of this.order) {
        const e = this.reg.get(i)!
        if (e.offset !== off) this.epoch++
        this.reg.set(i, { ...e, offset: off })
        off += e.size
      }
    }
    return 0
  }
}

for (const policy of ["holes", "reshuffle"] as const) {
  describe(`registry (${policy}): random sequences against a Map model`, () => {
    it("rc always as predicted; values exact unless the model calls them stale", () => {
      const opArb: fc.Arbitrary<Op> = fc.oneof(
        fc.record({ k: fc.constant("reg" as const), size: fc.integer({ min: 0, max: 24 }) }),
        fc.record({ k: fc.constant("dereg" as const), pick: fc.nat(9) }),
        fc.record({ k: fc.constant("init" as const) }),
        fc.record({ k: fc.constant("set" as const), frame: fc.nat(5), id: fc.integer({ min: -1, max: 9 }), size: fc.integer({ min: 1, max: 24 }), seed: fc.nat(255) }),
        fc.record({ k: fc.constant("get" as const), frame: fc.nat(5), id: fc.integer({ min: -1, max: 9 }), size: fc.integer({ min: 1, max: 24 }) })
      )
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
          const r = new MetaRegistry(policy, { predefined: false })
          const m = new RefModel(policy)
          const frames: Uint8Array[] = []
          for (const o of ops) {
            if (o.k === "reg") expect(r.register(o.size)).toBe(m.register(o.size))
            else if (o.k === "dereg") {
              const id = o.pick % REGISTRY_MAX_FIELDS
              expect(r.deregister(id)).toBe(m.deregister(id))
            } else if (o.k === "init") {
              frames.push(frame(r))
              m.frames.push({ total: m.total(), epoch: m.epoch, bits: new Set(), vals: new Map() })
              expect(frames.at(-1)![0]).toBe(m.total())
            } else {
              if (frames.length === 0) continue
              const fi = o.frame % frames.length
              const f = frames[fi]!
              const mf = m.frames[fi]!
              const e = m.reg.get(o.id)
              const want = e === undefined ? -Errno.ENOENT : e.size !== o.size ? -Errno.EINVAL : e.offset + o.size > mf.total ? -Errno.EFAULT : 0
              if (o.k === "set") {
                const v = val(o.size, o.seed)
                expect(registrySet(f, 0, r.table, o.id, v, 0, o.size)).toBe(want)
                if (want === 0) {
                  mf.bits.add(o.id)
                  mf.vals.set(o.id, { bytes: v, gen: e!.gen })
                  // a write at the current offset can land on other fields' bytes in a stale frame
                  if (mf.epoch !== m.epoch) for (const [k, x] of mf.vals) if (k !== o.id) x.gen = -1
                }
              } else {
                const { rc, out } = get(r, f, o.id, o.size)
                if (want !== 0) expect(rc).toBe(want)
                else if (!mf.bits.has(o.id)) expect(rc).toBe(-Errno.ENOENT)
                else {
                  expect(rc).toBe(0)
                  const x = mf.vals.get(o.id)!
                  if (x.gen === e!.gen && mf.epoch === m.epoch) expect(out).toEqual(x.bytes)
                }
              }
            }
          }
        }),
        { numRuns: 400 }
      )
    })
  })
}
