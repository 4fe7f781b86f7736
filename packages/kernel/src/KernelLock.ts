/**
 * One kernel-lane user at a time on a machine: bpf_stats' ns/packet is skewed by a second
 * traffic generator on 2 cores, so sessions (tests in parallel vitest workers, a devtx kernel
 * bench) take this lock first. The lock is a file created with O_EXCL holding the owner's pid;
 * a lock whose pid is no longer alive is stale and taken over. Waits up to `timeoutMs`.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs"
import { HelperProcessError } from "./KernelErrors.js"

export const KERNEL_LOCK_PATH = "/run/devtx-kernel-lane.lock"

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

const tryTake = (path: string): boolean => {
  try {
    const fd = openSync(path, "wx")
    writeSync(fd, String(process.pid))
    closeSync(fd)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
  }
  let owner = Number.NaN
  try {
    owner = Number(readFileSync(path, "utf8").trim())
  } catch {
    return false
  }
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) return false
  try {
    unlinkSync(path)
  } catch {
    /* another waiter took it over first */
  }
  return false
}

export interface KernelLock {
  readonly release: () => void
}

export const acquireKernelLock = async (timeoutMs = 180_000, path = KERNEL_LOCK_PATH): Promise<KernelLock> => {
  const deadline = Date.now() + timeoutMs
  while (!tryTake(path)) {
    if (Date.now() > deadline) throw new HelperProcessError({ reason: `${path} still held after ${timeoutMs} ms (another kernel-lane session)` })
    await new Promise((r) => setTimeout(r, 50))
  }
  let held = true
  return {
    release: () => {
      if (!held) return
      held = false
      try {
        if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path)
      } catch {
        /* already gone */
      }
    }
  }
}
