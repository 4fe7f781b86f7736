/**
 * Core suite: the control-plane and per-packet machinery the designs rest on, per operation.
 * - BTF decode of a vmlinux-sized blob: /sys/kernel/btf/vmlinux when the machine has it, else a
 *   generated blob of the same order of size (60000 four-member structs, ~4 MiB). One op = one
 *   full decode.
 * - CO-RE relocation of a program: the sim raw hw-metadata program's 15 field accesses (plain
 *   and bitfield: 2 to 4 relocations each) resolved against the sim's split BTF, and compiled to
 *   accessors. One op = one program's relocation.
 * - Toeplitz hash: a 36-byte IPv6 4-tuple input (the longest RSS input) with the Microsoft key.
 *   One op = one hash.
 * These rows have no raw floor (ratio_to_floor null). Every operation's result is checked once
 * before timing (decode succeeds with the expected type count; relocation succeeds; the hash of
 * the Microsoft verification-suite vector equals the published value).
 */
import { existsSync, readFileSync } from "node:fs"
import { BtfBuilder, decodeBtf } from "@devtx/bpf"
import { relocateRawProgram, toeplitzHash, toeplitzKey } from "@devtx/core"
import { simBtf } from "@devtx/drivers-sim"
import { simRawHwMetadata } from "@devtx/programs"
import { Effect, Exit, Result } from "effect"
import { timeTask } from "../harness/Timing.js"
import { BenchCheckError, type SuiteContext, selected, taskId } from "./BenchContext.js"

const VMLINUX = "/sys/kernel/btf/vmlinux"

/** The blob the decode row measures, and what it is. */
export const vmlinuxSizedBlob = (): { readonly bytes: Uint8Array; readonly source: string } => {
  if (existsSync(VMLINUX)) return { bytes: new Uint8Array(readFileSync(VMLINUX)), source: VMLINUX }
  const b = new BtfBuilder()
  const u32 = b.addInt("unsigned int", 4)
  let n = 0
  while (n < 60_000) {
    b.addStruct(`devtx_bench_s${n}`, 16, [
      { name: "a", type: u32, bitOffset: 0 },
      { name: "b", type: u32, bitOffset: 32 },
      { name: "c", type: u32, bitOffset: 64 },
      { name: "d", type: u32, bitOffset: 96 }
    ])
    n++
  }
  const built = b.build()
  if (Result.isFailure(built)) throw new Error(`generated BTF does not build: ${built.failure.message}`)
  return { bytes: built.success.bytes, source: `generated (${n} structs, ${built.success.bytes.length} bytes; ${VMLINUX} absent)` }
}

/** Microsoft RSS verification suite, IPv6 TCP: 3ffe:2501:200:1fff::7 -> 3ffe:2501:200:3::1, ports 2794 -> 1766, hash 0x40207d3d */
const MS_V6_INPUT = Uint8Array.from([
  0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07, 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0,
  0x01, 0x0a, 0xea, 0x06, 0xe6
])
const MS_V6_HASH = 0x40207d3d

export const runCoreSuite = async (ctx: SuiteContext): Promise<void> => {
  const suite = "core"
  const row = (style: string, f: { ns_per_packet: number; mpps: number; rme: number; samples: number }, floor: string) =>
    ctx.row({ suite, path: "core", driver: "-", style, hints: 0, ...f, ratio_to_floor: null, batch: 1, unit: "op", floor })

  const decodeId = taskId(suite, "-", "btf-decode", 0)
  if (selected(ctx, decodeId)) {
    const blob = vmlinuxSizedBlob()
    const r = decodeBtf(blob.bytes)
    if (Result.isFailure(r)) throw new BenchCheckError(decodeId, `decode of ${blob.source} failed: ${r.failure.message}`)
    ctx.check(`core btf-decode: ${blob.source} (${blob.bytes.length} bytes) decodes`)
    ctx.progress(decodeId)
    const plan = ctx.quick ? { ...ctx.plan, iterations: 5, warmupIterations: 1 } : ctx.plan
    let sink = 0
    row("btf-decode", await timeTask(decodeId, plan, 1, () => (sink += Result.isSuccess(decodeBtf(blob.bytes)) ? 1 : 0)), blob.source)
  }

  const reloId = taskId(suite, "-", "core-relocate", 0)
  if (selected(ctx, reloId)) {
    const spec = simRawHwMetadata()
    const target = simBtf(1)
    const opts = { program: spec.name, structs: spec.structs, target, driver: "sim" }
    const exit = Effect.runSyncExit(relocateRawProgram(opts))
    if (!Exit.isSuccess(exit)) throw new BenchCheckError(reloId, `relocation failed: ${String(exit.cause)}`)
    const fields = spec.structs.reduce((n, s) => n + s.fields.length, 0)
    ctx.check(`core core-relocate: ${spec.name} (${fields} fields) relocates against sim BTF v1`)
    ctx.progress(reloId)
    row("core-relocate", await timeTask(reloId, ctx.plan, 1, () => Effect.runSync(relocateRawProgram(opts))), `${spec.name}, ${fields} fields`)
  }

  const hashId = taskId(suite, "-", "toeplitz", 0)
  if (selected(ctx, hashId)) {
    const key = toeplitzKey()
    const h = toeplitzHash(key, MS_V6_INPUT, 0, MS_V6_INPUT.length)
    if (h >>> 0 !== MS_V6_HASH) throw new BenchCheckError(hashId, `Microsoft IPv6 vector hashed to 0x${(h >>> 0).toString(16)}, want 0x${MS_V6_HASH.toString(16)}`)
    ctx.check("core toeplitz: Microsoft verification vector (IPv6/TCP) = 0x40207d3d")
    const N = 4096
    let acc = 0
    ctx.progress(hashId)
    row(
      "toeplitz",
      await timeTask(hashId, ctx.plan, N, () => {
        for (let i = 0; i < N; i++) acc ^= toeplitzHash(key, MS_V6_INPUT, 0, 36)
        return acc
      }),
      "36-byte IPv6 4-tuple, Microsoft key"
    )
  }
}
