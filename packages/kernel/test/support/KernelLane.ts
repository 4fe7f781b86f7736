/**
 * The kernel-lane tests' gate, after core's OracleTools pattern: they skip on a machine without
 * root / BPF / netns / kernel >= 6.8 / gcc + libbpf-dev / bpftool, but `.ci/run` sets
 * DEVTX_REQUIRE_KERNEL=1, under which KernelLaneRequired.test.ts fails naming what is missing —
 * so CI can never turn them into a row of skips.
 */
import { describe } from "vitest"
import { kernelLanePrerequisites } from "../../src/Preflight.js"

export const kernelLaneMissing = kernelLanePrerequisites()
export const kernelLaneReady = kernelLaneMissing.length === 0
export const describeKernel = describe.runIf(kernelLaneReady)
