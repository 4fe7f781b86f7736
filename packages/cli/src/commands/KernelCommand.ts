/**
 * `devtx kernel run --object FILE.o [--program NAME] [--dev IFNAME] [--no-dev-bound]
 *   [--mode skb|xdp_frame] [--count N] [--seconds S] [--json]` and
 * `devtx kernel bench [--quick] [--out DIR] [--dev IFNAME --allow-drop] [--seconds S]`:
 * the kernel lane (packages/kernel). The same objects `devtx run --object` runs in the VM, here
 * loaded by libbpf on the running kernel, dev-bound on a veth in a private netns (or a user's
 * own NIC with --dev), measured by bpf_stats. bench writes DIR/results.json (rows with
 * "lane":"kernel"; default DIR bench-results-kernel) and prints the table.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { formatKernelBench, formatKernelRun, KernelInputError, runKernelBench, runKernelObject } from "@devtx/kernel"
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { InputFileError } from "../CliErrors.js"
import { printLines } from "./ProcessOutput.js"

const devFlag = Flag.String("dev").pipe(
  Flag.withDescription("a network interface of your own (mlx5, ice, ...): its traffic, no rig; the program is dev-bound to it"),
  Flag.optional
)
const secondsFlag = Flag.Int("seconds").pipe(Flag.withDescription("with --dev: the measurement window in seconds (default 2)"), Flag.optional)

const kernelRun = Command.make(
  "run",
  {
    object: Flag.String("object").pipe(Flag.withDescription("a clang-compiled BPF object (.bpf.o)")),
    program: Flag.String("program").pipe(Flag.withDescription("the XDP program in the object (default: its only one)"), Flag.optional),
    dev: devFlag,
    noDevBound: Flag.Boolean("no-dev-bound").pipe(Flag.withDescription("load without BPF_F_XDP_DEV_BOUND_ONLY / prog_ifindex"), Flag.withDefault(false)),
    mode: Flag.Literals("mode", ["skb", "xdp_frame"] as const).pipe(
      Flag.withDescription("veth traffic: skb (AF_PACKET) or xdp_frame (live-frame redirect, no skb)"),
      Flag.withDefault("skb" as const)
    ),
    count: Flag.Int("count").pipe(Flag.withDescription("frames to send on the veth (default 10000)"), Flag.withDefault(10_000)),
    seconds: secondsFlag,
    json: Flag.Boolean("json").pipe(Flag.withDescription("one JSON object"), Flag.withDefault(false))
  },
  (o) =>
    Effect.gen(function* () {
      const dev = Option.getOrUndefined(o.dev)
      const r = yield* runKernelObject({
        object: o.object,
        ...(Option.isSome(o.program) ? { program: o.program.value } : {}),
        ...(dev === undefined ? {} : { dev }),
        ...(Option.isSome(o.seconds) ? { seconds: o.seconds.value } : {}),
        devBound: !o.noDevBound,
        count: o.count,
        mode: o.mode
      })
      yield* printLines(o.json ? [JSON.stringify(r)] : formatKernelRun(r))
    })
).pipe(Command.withDescription("load one BPF object on the running kernel (libbpf, dev-bound, native XDP) and report the kernel's figures"))

const kernelBench = Command.make(
  "bench",
  {
    quick: Flag.Boolean("quick").pipe(Flag.withDescription("5 runs x 20000 packets per program and mode"), Flag.withDefault(false)),
    out: Flag.String("out").pipe(Flag.withDescription("directory for results.json (default bench-results-kernel)"), Flag.optional),
    dev: devFlag,
    allowDrop: Flag.Boolean("allow-drop").pipe(
      Flag.withDescription("with --dev: accept that the programs XDP_DROP every frame on that device while they run"),
      Flag.withDefault(false)
    ),
    seconds: secondsFlag
  },
  (o) =>
    Effect.gen(function* () {
      const dev = Option.getOrUndefined(o.dev)
      if (dev !== undefined && !o.allowDrop) {
        return yield* Effect.fail(
          new KernelInputError({ flag: "--dev", value: dev, reason: "the bench programs drop every frame on the device while they run; add --allow-drop to accept that" })
        )
      }
      const out = Option.getOrElse(o.out, () => "bench-results-kernel")
      const r = yield* runKernelBench({
        quick: o.quick,
        ...(dev === undefined ? {} : { dev }),
        ...(Option.isSome(o.seconds) ? { seconds: o.seconds.value } : {})
      })
      yield* Effect.try({
        try: () => {
          mkdirSync(out, { recursive: true })
          writeFileSync(join(out, "results.json"), `${JSON.stringify(r, null, 2)}\n`)
        },
        catch: (e) => new InputFileError({ flag: "--out", path: out, reason: e instanceof Error ? e.message : String(e) })
      })
      yield* printLines([...formatKernelBench(r), `results: ${join(out, "results.json")}`])
    })
).pipe(Command.withDescription("what the abstraction costs, measured by the kernel: bpf_stats ns/packet, xlated/jited size, kfunc call targets"))

export const kernelCommand = Command.make("kernel").pipe(
  Command.withDescription("the kernel lane: the same BPF objects on the running kernel, dev-bound on a veth in a private netns"),
  Command.withSubcommands([kernelRun, kernelBench])
)
