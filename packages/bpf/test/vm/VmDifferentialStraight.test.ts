/**
 * JIT vs interpreter on 60,000 random straight-line and forward-branching programs over every
 * instruction class, with ctx loads/stores through a program-type ctxLoad/ctxStore
 * (VmDifferentialRig.ts: what is compared; VmRandomPrograms.ts: the generator).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { BATCH, check, tally } from "./VmDifferentialRig.js"

const IMAGES = 600

describe("JIT vs interpreter on random programs", () => {
  it(`straight-line and forward-branching programs (${IMAGES * BATCH} in images of ${BATCH})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        check(seed, BATCH, 16, false)
      }),
      { seed: 20261204, numRuns: IMAGES }
    )
    expect(tally.programs).toBe(IMAGES * BATCH)
    expect(tally.ran).toBeGreaterThan(10_000)
    for (const code of [-1, -2, -3, -4, -6, -7, -8]) expect(tally.byCode.get(code) ?? 0, `fault code ${code} seen`).toBeGreaterThan(10)
  }, 240_000)
})
