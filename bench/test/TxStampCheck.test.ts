// The TX suite's pre-timing check of stamps against the hardware model's wire times
// (checkStampsAgainstWire): styles that agree with each other on a wrong stamp must not pass.
import { describe, expect, it } from "vitest"
import { checkStampsAgainstWire, type TxOutcome } from "../src/suites/TxSuite.js"

const T0 = 1_700_000_000_000_000_000n
const halves = (t: bigint): [number, number] => [Number(t >> 32n), Number(t & 0xffffffffn)]
/** n frames leaving 1000 ns apart; stamps[i] = [rc, time] */
const outcome = (n: number, stamps: ReadonlyArray<readonly [number, bigint]>): TxOutcome => {
  const wireTime = new Uint32Array(n * 2)
  const st = new Int32Array(n * 3)
  for (let i = 0; i < n; i++) {
    const [hi, lo] = halves(T0 + BigInt(i) * 1000n)
    wireTime[i * 2] = hi
    wireTime[i * 2 + 1] = lo
    const [rc, t] = stamps[i]!
    const [shi, slo] = halves(t)
    st[i * 3] = rc
    st[i * 3 + 1] = shi
    st[i * 3 + 2] = slo
  }
  return { wire: new Int32Array(n * 2), wireTime, stamps: st }
}
const wireAt = (i: number) => T0 + BigInt(i) * 1000n

describe("checkStampsAgainstWire", () => {
  it("per-frame completions: every stamp its own frame's wire time passes; -ENODATA frames are not checked", () => {
    expect(checkStampsAgainstWire(outcome(4, [[0, wireAt(0)], [0, wireAt(1)], [-61, 0n], [0, wireAt(3)]]), false)).toBe(-1)
  })
  it("one completion per batch (mlx5's send CQE): frames 0..3 carry frame 3's wire time", () => {
    expect(checkStampsAgainstWire(outcome(4, [[0, wireAt(3)], [0, wireAt(3)], [0, wireAt(3)], [0, wireAt(3)]]), false)).toBe(-1)
  })
  it("a stamp that is no frame's wire time fails at that frame (the request's csum_start|csum_offset<<16 read back: 393250)", () => {
    expect(checkStampsAgainstWire(outcome(3, [[0, wireAt(0)], [0, 393250n], [0, wireAt(2)]]), false)).toBe(1)
  })
  it("an earlier frame's wire time fails; so does a batch stamp its closing frame does not carry", () => {
    expect(checkStampsAgainstWire(outcome(3, [[0, wireAt(0)], [0, wireAt(0)], [0, wireAt(2)]]), false)).toBe(1)
    expect(checkStampsAgainstWire(outcome(3, [[0, wireAt(2)], [0, wireAt(2)], [0, wireAt(1)]]), false)).toBe(0)
  })
  it("xsk-tx-metadata style: rc is not reported, a non-zero stamp is checked, a zero one is none", () => {
    expect(checkStampsAgainstWire(outcome(2, [[0, 0n], [0, wireAt(1)]]), true)).toBe(-1)
    expect(checkStampsAgainstWire(outcome(2, [[0, 393250n], [0, wireAt(1)]]), true)).toBe(0)
  })
})
