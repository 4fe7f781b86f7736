/**
 * DmaRegionTable on its own: identity lookup, the capacity bound, reuse only of slots the owner
 * says are free, the clock sweep that gives slots back, -1 when every slot is in use.
 */
import { DmaRegionTable } from "@devtx/core"
import { describe, expect, it } from "vitest"

describe("DmaRegionTable", () => {
  it("maps a memory once (by identity), up to capacity; -1 when every slot is in use", () => {
    const t = new DmaRegionTable(4)
    const a = new Uint8Array(8)
    expect(t.map(a)).toBe(0)
    expect(t.map(a)).toBe(0)
    expect([t.map(new Uint8Array(8)), t.map(new Uint8Array(8)), t.map(new Uint8Array(8))]).toEqual([1, 2, 3])
    expect(t.mapped).toBe(4)
    expect(t.map(new Uint8Array(8))).toBe(-1)
    expect(t.mem[0]).toBe(a)
  })

  it("reuses only slots the owner no longer needs, and never hands one memory's slot to another while in use", () => {
    const t = new DmaRegionTable(3)
    const live = new Set<number>([0, 1, 2])
    t.inUse = (s) => live.has(s)
    const m = [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)]
    expect(m.map((x) => t.map(x))).toEqual([0, 1, 2])
    expect(t.map(new Uint8Array(1))).toBe(-1)
    live.delete(1)
    const n = new Uint8Array(1)
    expect(t.map(n)).toBe(1)
    expect(t.mem[1]).toBe(n)
    // the memory that lost its slot gets a new one only when another slot frees up
    live.add(1)
    expect(t.map(m[1]!)).toBe(-1)
    live.delete(2)
    expect(t.map(m[1]!)).toBe(2)
    expect([t.mem[0], t.mem[1], t.mem[2]]).toEqual([m[0], n, m[1]])
  })

  it("the clock sweep gives unused slots back before the table grows: a stream of short-lived memories stays small", () => {
    const t = new DmaRegionTable(65536)
    let current = -1
    t.inUse = (s) => s === 0 || s === current
    t.map(new Uint8Array(1))
    for (let i = 0; i < 10_000; i++) current = t.map(new Uint8Array(1))
    expect(t.mapped).toBeLessThan(8)
    expect(t.mem.length).toBeLessThan(8)
  })

  it("unmap frees a slot at once", () => {
    const t = new DmaRegionTable(2)
    const a = new Uint8Array(1)
    t.map(a)
    t.map(new Uint8Array(1))
    t.unmap(0)
    expect(t.mem[0]).toBeUndefined()
    expect(t.map(new Uint8Array(1))).toBe(0)
    t.unmap(0)
    t.unmap(0)
    expect(t.mapped).toBe(1)
  })
})
