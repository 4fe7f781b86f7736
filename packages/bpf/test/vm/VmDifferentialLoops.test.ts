/**
 * JIT vs interpreter on 40,000 random programs with backward jumps: loops that end, and loops
 * that run into the instruction budget (both engines must fault at the same block).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { BATCH, check, tally } from "./VmDifferentialRig.js"

const IMAGES = 400

describe("JIT vs interpreter on random programs", () => {
  it(`programs with loops (${IMAGES * BATCH} in images of ${BATCH})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        check(seed, BATCH, 12, true)
      }),
      { seed: 4122026, numRuns: IMAGES }
    )
    expect(tally.programs).toBe(IMAGES * BATCH)
    expect(tally.byCode.get(-5) ?? 0).toBeGreaterThan(500)
    expect(tally.ran).toBeGreaterThan(5_000)
  }, 240_000)
})
