/**
 * A kernel-lane session: the machine lock, one native helper, optionally the veth rig, as one
 * scoped resource (Effect.acquireRelease). Release order: helper closed first (its XDP links,
 * programs, sockets and the bpf_enable_stats fd close with it, so bpf_stats returns to its
 * previous state), then the rig deleted, then the lock released; the same runs synchronously on
 * SIGINT / SIGTERM / exit. Methods are thin typed wrappers over the helper's requests; the
 * TypeScript side chooses every object, program, device and count.
 */
import { spawnSync } from "node:child_process"
import { Effect, type Scope } from "effect"
import { HelperProcessError, type KernelCallError, KernelLaneUnavailable, RigError } from "./KernelErrors.js"
import { acquireKernelLock } from "./KernelLock.js"
import { type HelperReply, NativeHelper } from "./NativeHelper.js"
import { requireKernelLane } from "./Preflight.js"
import { createRig, destroyRig, registerCleanup, type VethRig } from "./VethRig.js"

export interface ProgramEntry {
  readonly name: string
  readonly section: string
}

export interface OpenedObject {
  readonly obj: number
  readonly path: string
  readonly programs: ReadonlyArray<ProgramEntry>
  readonly maps: ReadonlyArray<string>
}

export interface LoadedProgram {
  readonly fd: number
  readonly id: number
}

/** struct bpf_prog_info, the fields the lane reports */
export interface ProgInfo {
  readonly id: number
  readonly name: string
  readonly runTimeNs: number
  readonly runCnt: number
  readonly recursionMisses: number
  readonly xlatedInsns: number
  readonly jitedBytes: number
  /** bpf_prog_info.ifindex: filled for offloaded programs only (kernel/bpf/offload.c), 0 for dev-bound ones */
  readonly ifindex: number
}

export interface TestRunResult {
  readonly retval: number
  readonly durationNs: number
  readonly wallNs: number
  readonly dataOut: Uint8Array
}

export const BPF_F_TEST_XDP_LIVE_FRAMES = 1 << 1

const hex = (b: Uint8Array): string => (b.length === 0 ? "-" : Buffer.from(b).toString("hex"))
const unhex = (s: unknown): Uint8Array => new Uint8Array(Buffer.from(String(s), "hex"))

export class KernelSession {
  constructor(
    readonly helper: NativeHelper,
    readonly rig: VethRig | null
  ) {}

  get requireRig(): VethRig {
    if (this.rig === null) throw new RigError({ command: "session", reason: "this session has no veth rig" })
    return this.rig
  }

  async openObject(path: string): Promise<OpenedObject> {
    const r = await this.helper.request("open", path)
    return { obj: r["obj"] as number, path, programs: r["programs"] as ProgramEntry[], maps: r["maps"] as string[] }
  }

  async closeObject(o: OpenedObject): Promise<void> {
    await this.helper.request("objclose", o.obj)
  }

  /**
   * Loads `program` alone from the object. devBound true: bpf_program__set_ifindex +
   * BPF_F_XDP_DEV_BOUND_ONLY; "offload": prog_ifindex without the flag (a hardware-offload request).
   */
  async load(o: OpenedObject, program: string, ifindex: number, devBound: boolean | "offload"): Promise<LoadedProgram> {
    const r = await this.helper.request("load", o.obj, program, ifindex, devBound === "offload" ? 2 : devBound ? 1 : 0)
    return { fd: r["fd"] as number, id: r["id"] as number }
  }

  /** An XDP bpf_link in native (drv) or generic (skb) mode; returns the link fd. */
  async attach(p: LoadedProgram, ifindex: number, mode: "drv" | "skb" = "drv"): Promise<number> {
    const r = await this.helper.request("attach", p.fd, ifindex, mode)
    return r["link"] as number
  }

  async closeFd(fd: number): Promise<void> {
    await this.helper.request("close", fd)
  }

  async info(p: LoadedProgram): Promise<ProgInfo> {
    const r = await this.helper.request("info", p.fd)
    return {
      id: r["id"] as number,
      name: r["name"] as string,
      runTimeNs: r["run_time_ns"] as number,
      runCnt: r["run_cnt"] as number,
      recursionMisses: r["recursion_misses"] as number,
      xlatedInsns: (r["xlated_prog_len"] as number) / 8,
      jitedBytes: r["jited_prog_len"] as number,
      ifindex: r["ifindex"] as number
    }
  }

  /**
   * bpf_enable_stats(BPF_STATS_RUN_TIME), held until stats(false) or the session ends. This is
   * the refcounted switch behind kernel.bpf_stats_enabled (kernel/bpf/syscall.c): it turns
   * counting on without writing the sysctl, whose value stays what it was, and a killed session
   * cannot leave it on.
   */
  async stats(on: boolean): Promise<void> {
    await this.helper.request("stats", on ? "on" : "off")
  }

  async mapGet(o: OpenedObject, map: string, key: number): Promise<Uint8Array> {
    const r = await this.helper.request("map_get", o.obj, map, key)
    return unhex(r["value"])
  }

  async mapSet(o: OpenedObject, map: string, key: number, value: Uint8Array): Promise<void> {
    await this.helper.request("map_set", o.obj, map, key, hex(value))
  }

  /** AF_PACKET frames from the rig's peer (inside the netns) to the rx end. */
  async sendPacket(frame: Uint8Array, count: number): Promise<{ sent: number; ns: number }> {
    const rig = this.requireRig
    const r = await this.helper.request("gen_packet", rig.netnsPath, rig.peer.ifname, hex(frame), count)
    return { sent: r["sent"] as number, ns: r["ns"] as number }
  }

  /** BPF_PROG_TEST_RUN; live: BPF_F_TEST_XDP_LIVE_FRAMES with the ingress device inside `netnsPath`. */
  async testRun(
    p: LoadedProgram,
    data: Uint8Array,
    o: { metalen?: number; repeat?: number; live?: boolean; ingressIfindex?: number; netnsPath?: string; batch?: number; outCap?: number } = {}
  ): Promise<TestRunResult> {
    const live = o.live === true
    const r = await this.helper.request(
      "test_run",
      p.fd,
      o.netnsPath ?? "-",
      hex(data),
      o.metalen ?? 0,
      o.repeat ?? 1,
      live ? BPF_F_TEST_XDP_LIVE_FRAMES : 0,
      o.ingressIfindex ?? 0,
      o.batch ?? 0,
      live ? 0 : (o.outCap ?? data.length + 512)
    )
    return { retval: r["retval"] as number, durationNs: r["duration"] as number, wallNs: r["ns"] as number, dataOut: unhex(r["data_out"]) }
  }

  async clock(): Promise<{ tai: number; realtime: number; monotonic: number }> {
    const r = await this.helper.request("clock")
    return { tai: r["tai"] as number, realtime: r["realtime"] as number, monotonic: r["monotonic"] as number }
  }

  request(op: string, ...args: ReadonlyArray<string | number>): Promise<HelperReply> {
    return this.helper.request(op, ...args)
  }
}

/** `bpftool prog dump xlated id ID` (text): the kernel's translated program, calls resolved by kallsyms. */
export const xlatedDump = (id: number): string => {
  const r = spawnSync("bpftool", ["prog", "dump", "xlated", "id", String(id)], { encoding: "utf8" })
  if (r.status !== 0) throw new HelperProcessError({ reason: `bpftool prog dump xlated id ${id}: ${r.stderr.trim()}` })
  return r.stdout
}

/** Call targets of an xlated dump in program order, e.g. ["veth_xdp_rx_hash", "veth_xdp_rx_timestamp"]. */
export const xlatedCalls = (dump: string): string[] =>
  [...dump.matchAll(/\(85\) call ([A-Za-z_][A-Za-z0-9_.]*)/g)].map((m) => m[1]!)

export interface SessionOptions {
  /** create the netns + veth rig (default true) */
  readonly rig?: boolean
}

const toError = (e: unknown): KernelCallError | HelperProcessError | RigError =>
  e instanceof HelperProcessError || e instanceof RigError || (e as { _tag?: string })._tag === "KernelCallError"
    ? (e as KernelCallError)
    : new HelperProcessError({ reason: e instanceof Error ? e.message : String(e) })

/** Lifts a session call into an Effect with the lane's typed errors. */
export const kcall = <A>(f: () => Promise<A>): Effect.Effect<A, KernelCallError | HelperProcessError | RigError> =>
  Effect.tryPromise({ try: f, catch: toError })

/**
 * The scoped session: preflight, lock, helper (bpf(2) probed with bpf_enable_stats), rig.
 * Everything made is removed when the scope closes, whatever the exit.
 */
export const kernelSession = (
  opts: SessionOptions = {}
): Effect.Effect<KernelSession, KernelLaneUnavailable | KernelCallError | HelperProcessError | RigError, Scope.Scope> =>
  Effect.gen(function* () {
    yield* requireKernelLane()
    const acquire = async (): Promise<{ session: KernelSession; release: () => Promise<void> }> => {
      const lock = await acquireKernelLock()
      let helper: NativeHelper | null = null
      let rig: VethRig | null = null
      const syncCleanup = (): void => {
        helper?.killNow()
        if (rig !== null) destroyRig({ netns: rig.netns, rx: rig.rx.ifname })
        lock.release()
      }
      const unregister = registerCleanup(syncCleanup)
      const release = async (): Promise<void> => {
        try {
          await helper?.close()
        } finally {
          if (rig !== null) destroyRig({ netns: rig.netns, rx: rig.rx.ifname })
          lock.release()
          unregister()
        }
      }
      try {
        helper = NativeHelper.start()
        await helper.request("hello")
        try {
          await helper.request("stats", "on")
          await helper.request("stats", "off")
        } catch (e) {
          const errno = (e as KernelCallError).errno
          throw new KernelLaneUnavailable({
            missing: [{ what: "the bpf(2) syscall (CAP_BPF)", found: `bpf_enable_stats failed, errno ${errno}`, fix: "run as root with unprivileged BPF not blocked by a security module" }]
          })
        }
        if (opts.rig !== false) rig = createRig()
        return { session: new KernelSession(helper, rig), release }
      } catch (e) {
        await release()
        throw e
      }
    }
    const made = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: acquire, catch: (e) => (e instanceof KernelLaneUnavailable ? e : toError(e)) }),
      (m) => Effect.promise(() => m.release())
    )
    return made.session
  })
