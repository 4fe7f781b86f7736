/**
 * The native helper process: native/devtx_kernel_helper.c, built with gcc against libbpf at first
 * use into packages/kernel/build/ (the file name carries a hash of the source, so an edited
 * source rebuilds; the build writes a temporary file and renames it, so concurrent first uses
 * never run a half-written binary). One process per session; requests go one at a time, one
 * line each, replies are one JSON line each (see the C file's header).
 *
 * Contract: every token is checked to contain no whitespace before it is sent; a reply with
 * ok=false becomes a KernelCallError carrying the kernel's errno and libbpf's log; a helper
 * that exits or writes a non-JSON line fails every pending and later request with
 * HelperProcessError. Closing stdin ends the helper, and with it every fd it held (programs,
 * XDP links, the bpf_enable_stats fd, sockets): nothing outlives the session.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { HelperProcessError, KernelCallError } from "./KernelErrors.js"

/** packages/kernel (this file is src/NativeHelper.ts or dist/NativeHelper.js) */
export const KERNEL_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..")
export const HELPER_SOURCE = join(KERNEL_PACKAGE_DIR, "native", "devtx_kernel_helper.c")

export type HelperReply = Record<string, unknown> & { readonly ok: true }

/** Builds (if needed) and returns the helper binary's path. Throws HelperProcessError. */
export const buildHelper = (): string => {
  if (!existsSync(HELPER_SOURCE)) throw new HelperProcessError({ reason: `source ${HELPER_SOURCE} is missing` })
  const hash = createHash("sha256").update(readFileSync(HELPER_SOURCE)).digest("hex").slice(0, 12)
  const dir = join(KERNEL_PACKAGE_DIR, "build")
  const bin = join(dir, `devtx-kernel-helper-${hash}`)
  if (existsSync(bin)) return bin
  mkdirSync(dir, { recursive: true })
  const tmp = `${bin}.${process.pid}.tmp`
  const r = spawnSync("gcc", ["-O2", "-Wall", "-o", tmp, HELPER_SOURCE, "-lbpf"], { encoding: "utf8" })
  if (r.error !== undefined) throw new HelperProcessError({ reason: `gcc could not run: ${r.error.message}` })
  if (r.status !== 0) throw new HelperProcessError({ reason: `gcc failed (exit ${r.status}): ${r.stderr.trim()}` })
  renameSync(tmp, bin)
  return bin
}

/** A token of the line protocol: a non-empty string without whitespace. */
const token = (t: string | number): string => {
  const s = String(t)
  if (s === "" || /\s/.test(s)) throw new HelperProcessError({ reason: `request token '${s}' is empty or has whitespace` })
  return s
}

interface Pending {
  readonly op: string
  readonly resolve: (r: HelperReply) => void
  readonly reject: (e: unknown) => void
}

export class NativeHelper {
  private readonly child: ChildProcessWithoutNullStreams
  private readonly pending: Pending[] = []
  private dead: HelperProcessError | null = null
  private stderr = ""

  private constructor(bin: string) {
    this.child = spawn(bin, [], { stdio: ["pipe", "pipe", "pipe"] })
    this.child.stderr.on("data", (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000)
    })
    createInterface({ input: this.child.stdout }).on("line", (line) => this.onLine(line))
    this.child.on("error", (e) => this.die(`could not start: ${e.message}`))
    this.child.on("exit", (code, sig) => this.die(`exited (${sig ?? `code ${code}`})${this.stderr === "" ? "" : `: ${this.stderr.trim()}`}`))
    this.child.stdin.on("error", () => undefined)
  }

  static start(): NativeHelper {
    return new NativeHelper(buildHelper())
  }

  private die(reason: string): void {
    if (this.dead !== null) return
    this.dead = new HelperProcessError({ reason })
    for (const p of this.pending.splice(0)) p.reject(this.dead)
  }

  private onLine(line: string): void {
    const p = this.pending.shift()
    if (p === undefined) {
      this.die(`unexpected output: ${line.slice(0, 200)}`)
      return
    }
    let v: unknown
    try {
      v = JSON.parse(line)
    } catch {
      p.reject(new HelperProcessError({ reason: `reply to ${p.op} is not JSON: ${line.slice(0, 200)}` }))
      return
    }
    const r = v as { ok?: unknown; errno?: unknown; error?: unknown; log?: unknown }
    if (r.ok === true) p.resolve(v as HelperReply)
    else
      p.reject(
        new KernelCallError({
          op: p.op,
          errno: typeof r.errno === "number" ? r.errno : -1,
          reason: String(r.error ?? "failed"),
          log: String(r.log ?? "")
        })
      )
  }

  /** One request; resolves with the reply, rejects with KernelCallError / HelperProcessError. */
  request(op: string, ...args: ReadonlyArray<string | number>): Promise<HelperReply> {
    if (this.dead !== null) return Promise.reject(this.dead)
    let line: string
    try {
      line = [token(op), ...args.map(token)].join(" ")
    } catch (e) {
      return Promise.reject(e)
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject })
      this.child.stdin.write(`${line}\n`)
    })
  }

  /** Ends the helper (stdin closed: it exits and its fds close); resolves when it has exited. */
  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000)
      this.child.once("exit", () => {
        clearTimeout(timer)
        resolve()
      })
      this.child.stdin.end()
    })
  }

  /** Synchronous last resort (process exit / signal): kill the helper, its fds close. */
  killNow(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL")
  }
}
