/**
 * Traits (include/net/trait.h of the RFC series): every errno path of set/get/del/init, the
 * header bit layout, and fast-check properties against a Map over random operation sequences,
 * for v1 sizes (2/4/8) and v2 sizes (0/4/8).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Errno } from "../../src/kernel/Errno.js"
import { popcount32 } from "../../src/placement/datapath/Popcount.js"
import {
  TRAIT_HDR_SIZE,
  traitDel,
  traitGet,
  traitIsSet,
  traitSet,
  traitsInit,
  traitsSize,
  TraitsVariant
} from "../../src/placement/datapath/Traits.js"

const mk = (size = 256) => {
  const bytes = new Uint8Array(size)
  return { bytes, view: new DataView(bytes.buffer) }
}
const val = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7 + 1) & 0xff)

describe("traits: layout and errno paths", () => {
  it("popcount32 matches a bit loop", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => {
        let n = 0
        for (let i = 0; i < 32; i++) n += (x >>> i) & 1
        expect(popcount32(x)).toBe(n)
      })
    )
  })

  it("header: high u64 at +0, low u64 at +8; the size code of key k is (high bit k, low bit k); values sorted by key", () => {
    const { bytes, view } = mk()
    expect(traitsInit(bytes, 0, 256)).toBe(0)
    // v1: key 40 -> 8 bytes (code 11), key 3 -> 2 bytes (code 01), key 33 -> 4 bytes (code 10)
    expect(traitSet(bytes, view, 0, 256, TraitsVariant.V1, 40, val(8, 1), 0, 8)).toBe(0)
    expect(traitSet(bytes, view, 0, 256, TraitsVariant.V1, 3, val(2, 2), 0, 2)).toBe(0)
    expect(traitSet(bytes, view, 0, 256, TraitsVariant.V1, 33, val(4, 3), 0, 4)).toBe(0)
    const high = view.getBigUint64(0, true)
    const low = view.getBigUint64(8, true)
    expect(high).toBe((1n << 40n) | (1n << 33n))
    expect(low).toBe((1n << 40n) | (1n << 3n))
    expect(traitsSize(view, 0, TraitsVariant.V1)).toBe(TRAIT_HDR_SIZE + 14)
    expect(bytes.slice(16, 18)).toEqual(val(2, 2))
    expect(bytes.slice(18, 22)).toEqual(val(4, 3))
    expect(bytes.slice(22, 30)).toEqual(val(8, 1))
  })

  it("v2: 0-byte flag keys (code 01), 4 and 8", () => {
    const { bytes, view } = mk()
    traitsInit(bytes, 0, 256)
    expect(traitSet(bytes, view, 0, 256, TraitsVariant.V2, 63, val(0, 0), 0, 0)).toBe(0)
    expect(traitGet(bytes, view, 0, TraitsVariant.V2, 63, new Uint8Array(8), 0, 8)).toBe(0)
    expect(view.getBigUint64(8, true)).toBe(1n << 63n)
    expect(view.getBigUint64(0, true)).toBe(0n)
    expect(traitSet(bytes, view, 0, 256, TraitsVariant.V2, 1, val(2, 0), 0, 2)).toBe(-Errno.EINVAL) // 2 is v1-only
    expect(traitSet(bytes, view, 0, 256, TraitsVariant.V1, 1, val(0, 0), 0, 0)).toBe(-Errno.EINVAL) // 0 is v2-only
  })

  it("every errno: EINVAL key/len, EBUSY, ENOSPC, ENOENT, get ENOSPC, init ENOMEM", () => {
    const { bytes, view } = mk(64)
    expect(traitsInit(bytes, 0, 15)).toBe(-Errno.ENOMEM)
    expect(traitsInit(bytes, 0, 40)).toBe(0)
    const V = TraitsVariant.V2
    expect(traitSet(bytes, view, 0, 40, V, 64, val(4, 0), 0, 4)).toBe(-Errno.EINVAL)
    expect(traitSet(bytes, view, 0, 40, V, -1, val(4, 0), 0, 4)).toBe(-Errno.EINVAL)
    expect(traitSet(bytes, view, 0, 40, V, 5, val(16, 0), 0, 16)).toBe(-Errno.EINVAL)
    expect(traitSet(bytes, view, 0, 40, V, 5, val(8, 1), 0, 8)).toBe(0)
    expect(traitSet(bytes, view, 0, 40, V, 5, val(4, 1), 0, 4)).toBe(-Errno.EBUSY)
    expect(traitSet(bytes, view, 0, 40, V, 6, val(8, 2), 0, 8)).toBe(0) // 16 + 16 = 32 <= 40
    expect(traitSet(bytes, view, 0, 40, V, 8, val(8, 3), 0, 8)).toBe(0) // 16 + 24 = 40 <= 40
    expect(traitSet(bytes, view, 0, 40, V, 7, val(4, 3), 0, 4)).toBe(-Errno.ENOSPC) // 44 > 40
    expect(traitSet(bytes, view, 0, 40, V, 5, val(8, 9), 0, 8)).toBe(0) // overwrite in place needs no room
    expect(traitGet(bytes, view, 0, V, 7, new Uint8Array(8), 0, 8)).toBe(-Errno.ENOENT)
    expect(traitGet(bytes, view, 0, V, 5, new Uint8Array(8), 0, 4)).toBe(-Errno.ENOSPC)
    expect(traitGet(bytes, view, 0, V, 99, new Uint8Array(8), 0, 8)).toBe(-Errno.EINVAL)
    expect(traitDel(bytes, view, 0, V, 7)).toBe(-Errno.ENOENT)
    expect(traitDel(bytes, view, 0, V, 64)).toBe(-Errno.EINVAL)
    expect(traitIsSet(view, 0, 5)).toBe(1)
    expect(traitIsSet(view, 0, 7)).toBe(0)
    expect(traitIsSet(view, 0, 64)).toBe(-Errno.EINVAL)
    expect(traitDel(bytes, view, 0, V, 5)).toBe(0)
    const out = new Uint8Array(8)
    expect(traitGet(bytes, view, 0, V, 6, out, 0, 8)).toBe(8)
    expect(out).toEqual(val(8, 2))
  })
})

type Op = { op: "set"; key: number; len: number; seed: number } | { op: "get"; key: number } | { op: "del"; key: number }

const lens = { [TraitsVariant.V1]: [2, 4, 8], [TraitsVariant.V2]: [0, 4, 8] } as const

for (const variant of [TraitsVariant.V1, TraitsVariant.V2]) {
  describe(`traits v${variant}: random sequences against a Map`, () => {
    it("set/get/del agree with the reference; the store never passes hard_end", () => {
      const opArb = fc.oneof(
        fc.record({ op: fc.constant("set" as const), key: fc.integer({ min: -1, max: 64 }), len: fc.constantFrom(0, 2, 4, 8, 16), seed: fc.nat(255) }),
        fc.record({ op: fc.constant("get" as const), key: fc.integer({ min: -1, max: 64 }) }),
        fc.record({ op: fc.constant("del" as const), key: fc.integer({ min: -1, max: 64 }) })
      )
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 80 }), fc.integer({ min: 16, max: 120 }), (ops: Op[], cap) => {
          const region = 160
          const bytes = new Uint8Array(region + 32).fill(0xa5)
          const view = new DataView(bytes.buffer)
          const hardEnd = cap
          expect(traitsInit(bytes, 0, hardEnd)).toBe(0)
          const ref = new Map<number, Uint8Array>()
          const used = () => TRAIT_HDR_SIZE + [...ref.values()].reduce((a, v) => a + v.length, 0)
          for (const o of ops) {
            const badKey = !(o.key >= 0 && o.key < 64)
            if (o.op === "set") {
              const v = val(o.len, o.seed)
              const rc = traitSet(bytes, view, 0, hardEnd, variant, o.key, v, 0, o.len)
              const validLen = (lens[variant] as readonly number[]).includes(o.len)
              const want = badKey || !validLen
                ? -Errno.EINVAL
                : ref.has(o.key)
                  ? ref.get(o.key)!.length !== o.len
                    ? -Errno.EBUSY
                    : 0
                  : used() + o.len > hardEnd
                    ? -Errno.ENOSPC
                    : 0
              expect(rc).toBe(want)
              if (rc === 0) ref.set(o.key, v)
            } else if (o.op === "get") {
              const out = new Uint8Array(8)
              const rc = traitGet(bytes, view, 0, variant, o.key, out, 0, 8)
              if (badKey) expect(rc).toBe(-Errno.EINVAL)
              else if (!ref.has(o.key)) expect(rc).toBe(-Errno.ENOENT)
              else {
                expect(rc).toBe(ref.get(o.key)!.length)
                expect(out.slice(0, rc)).toEqual(ref.get(o.key))
              }
            } else {
              const rc = traitDel(bytes, view, 0, variant, o.key)
              expect(rc).toBe(badKey ? -Errno.EINVAL : ref.has(o.key) ? 0 : -Errno.ENOENT)
              ref.delete(o.key)
            }
            expect(traitsSize(view, 0, variant)).toBe(used())
            // nothing written at or past hard_end
            for (let i = hardEnd; i < bytes.length; i++) if (bytes[i] !== 0xa5) expect(i).toBe(-1)
          }
        }),
        { numRuns: 300 }
      )
    })
  })
}
