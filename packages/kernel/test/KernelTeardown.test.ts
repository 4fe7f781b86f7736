/**
 * Nothing the lane makes outlives it: not on a normal end, not on an error inside the session,
 * not on SIGINT (the process exits 130 after removing its netns, links and programs), and after
 * SIGKILL the helper dies with its parent (programs and links go with its fds) and the next
 * session sweeps the dead process's netns. The last test checks the machine holds no devtx
 * netns, link, program or pinned object and that bpf_stats is back where it was.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { KERNEL_LOCK_PATH } from "../src/KernelLock.js"
import { kcall, kernelSession } from "../src/KernelSession.js"
import { leftoverRigObjects } from "../src/VethRig.js"
import { describeKernel } from "./support/KernelLane.js"

const DIST = join(import.meta.dirname, "..", "dist", "index.js")
const OUR_PROGRAMS = ["xdp_empty", "xdp_touch", "xdp_veth_kfunc", "xdp_veth_raw", "xdp_redirect_ge", "xdp_adjust_prob", "xdp_xsk_meta"]

const netnsExists = (ns: string) => spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout.split("\n").some((l) => l.split(" ")[0] === ns)
const linkExists = (l: string) => existsSync(`/sys/class/net/${l}`)
const progExists = (id: number) => spawnSync("bpftool", ["prog", "show", "id", String(id)], { stdio: "ignore" }).status === 0

/** A child node process holding a session with an attached dev-bound program; resolves with what it made. */
const childSession = (): Promise<{ child: ChildProcess; made: { netns: string; rx: string; peer: string; progId: number } }> => {
  const script = `
    import { Effect } from "effect"
    import { kernelSession, kcall, vethPrograms } from ${JSON.stringify(DIST)}
    const prog = vethPrograms().find((p) => p.style === "kfunc-dev-bound")
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const s = yield* kernelSession()
      const o = yield* kcall(() => s.openObject(prog.object))
      const p = yield* kcall(() => s.load(o, prog.program, s.rig.rx.ifindex, true))
      yield* kcall(() => s.attach(p, s.rig.rx.ifindex, "drv"))
      yield* kcall(() => s.stats(true))
      process.stdout.write(JSON.stringify({ netns: s.rig.netns, rx: s.rig.rx.ifname, peer: s.rig.peer.ifname, progId: p.id }) + "\\n")
      yield* Effect.promise(() => new Promise(() => {}))
    })))
  `
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "pipe"] })
  return new Promise((resolve, reject) => {
    let out = ""
    let err = ""
    child.stderr!.on("data", (d) => {
      err += d
    })
    child.stdout!.on("data", (d) => {
      out += d
      const nl = out.indexOf("\n")
      if (nl >= 0) resolve({ child, made: JSON.parse(out.slice(0, nl)) })
    })
    child.on("exit", (code) => reject(new Error(`child exited ${code} before it was ready: ${err}`)))
  })
}

const exited = (c: ChildProcess) => new Promise<number | string>((r) => c.once("exit", (code, sig) => r(code ?? sig ?? -1)))

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25))
  return cond()
}

describeKernel("kernel lane teardown", () => {
  it.runIf(existsSync(DIST))("SIGINT: the process removes its netns, links and programs, then exits 130", async () => {
    const sysctl = readFileSync("/proc/sys/kernel/bpf_stats_enabled", "utf8").trim()
    const { child, made } = await childSession()
    const done = exited(child)
    try {
      expect(netnsExists(made.netns)).toBe(true)
      expect(linkExists(made.rx)).toBe(true)
      expect(progExists(made.progId)).toBe(true)
      // the child counts with a bpf_enable_stats fd: the sysctl's own value is left alone
      expect(readFileSync("/proc/sys/kernel/bpf_stats_enabled", "utf8").trim()).toBe(sysctl)
    } finally {
      child.kill("SIGINT")
    }
    expect(await done).toBe(130)
    expect(netnsExists(made.netns)).toBe(false)
    expect(linkExists(made.rx)).toBe(false)
    expect(await waitFor(() => !progExists(made.progId))).toBe(true)
    expect(existsSync(KERNEL_LOCK_PATH)).toBe(false)
  })

  it.runIf(existsSync(DIST))("SIGKILL: the helper dies with its parent (program gone), the next session sweeps the dead netns", async () => {
    const { child, made } = await childSession()
    const done = exited(child)
    child.kill("SIGKILL")
    expect(await done).toBe("SIGKILL")
    expect(await waitFor(() => !progExists(made.progId))).toBe(true)
    expect(netnsExists(made.netns)).toBe(true) // nobody could clean up yet
    await Effect.runPromise(Effect.scoped(Effect.asVoid(kernelSession())))
    expect(netnsExists(made.netns)).toBe(false)
    expect(linkExists(made.rx)).toBe(false)
  })

  it("an error inside the session removes everything it made", async () => {
    let made: { netns: string; rx: string; progId: number } | null = null
    const r = await Effect.runPromise(
      Effect.result(
        Effect.scoped(
          Effect.gen(function* () {
            const s = yield* kernelSession()
            const o = yield* kcall(() => s.openObject(join(import.meta.dirname, "..", "bpf", "xdp_empty.bpf.o")))
            const p = yield* kcall(() => s.load(o, "xdp_empty", s.requireRig.rx.ifindex, true))
            yield* kcall(() => s.attach(p, s.requireRig.rx.ifindex, "drv"))
            made = { netns: s.requireRig.netns, rx: s.requireRig.rx.ifname, progId: p.id }
            // a request the kernel refuses: a program name the object does not have
            yield* kcall(() => s.load(o, "no_such_program", 0, false))
          })
        )
      )
    )
    expect(r._tag).toBe("Failure")
    expect(made).not.toBeNull()
    expect(netnsExists(made!.netns)).toBe(false)
    expect(linkExists(made!.rx)).toBe(false)
    expect(await waitFor(() => !progExists(made!.progId))).toBe(true)
  })

  it("the machine holds no devtx netns, link, program or pinned object", async () => {
    // inside a session's lock: no other kernel-lane test is running now; then look after it closed
    await Effect.runPromise(Effect.scoped(Effect.asVoid(kernelSession({ rig: false }))))
    const left = leftoverRigObjects()
    expect(left).toEqual({ netns: [], links: [] })
    const progs = JSON.parse(spawnSync("bpftool", ["-j", "prog", "show"], { encoding: "utf8" }).stdout || "[]") as Array<{ name?: string }>
    expect(progs.filter((p) => OUR_PROGRAMS.includes(p.name ?? "")).map((p) => p.name)).toEqual([])
    const pinned = existsSync("/sys/fs/bpf") ? readdirSync("/sys/fs/bpf").filter((f) => f.startsWith("devtx")) : []
    expect(pinned).toEqual([])
  })
})
