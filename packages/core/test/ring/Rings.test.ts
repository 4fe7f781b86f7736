import {
  addrRingFree,
  addrRingPop,
  addrRingPush,
  descFree,
  makeAddrRing,
  makeDescriptorRing,
  ownerBitFor,
  ringUsed,
  slotOffset
} from "@devtx/core"
import { describe, expect, it } from "vitest"

describe("ring index arithmetic", () => {
  it("counts across the u32 wrap", () => {
    expect(ringUsed(3, 0xffff_fffe)).toBe(5)
  })
  it("owner bit flips every wrap (mlx5 parity)", () => {
    expect([0, 7, 8, 15, 16].map((i) => ownerBitFor(i, 3))).toEqual([0, 0, 1, 1, 0])
  })
})

describe("DescriptorRing", () => {
  it("rejects sizes that are not powers of two", () => {
    expect(makeDescriptorRing(100, 32)).toBeInstanceOf(RangeError)
    expect(makeDescriptorRing(64, 30)).toBeInstanceOf(RangeError)
  })
  it("maps counters to slots", () => {
    const r = makeDescriptorRing(8, 32)
    if (r instanceof RangeError) throw r
    expect(slotOffset(r, 9)).toBe(32)
    r.producer = 5
    expect(descFree(r)).toBe(3)
  })
})

describe("AddrRing (fill / completion)", () => {
  it("never overwrites: a full ring refuses, an empty one returns -1", () => {
    const r = makeAddrRing(4)
    if (r instanceof RangeError) throw r
    for (let i = 0; i < 4; i++) expect(addrRingPush(r, i * 4096)).toBe(true)
    expect(addrRingPush(r, 99)).toBe(false)
    expect(addrRingFree(r)).toBe(0)
    expect([addrRingPop(r), addrRingPop(r), addrRingPop(r), addrRingPop(r)]).toEqual([0, 4096, 8192, 12288])
    expect(addrRingPop(r)).toBe(-1)
  })
})
