/**
 * What the kernel lane needs from the machine, checked before anything is created: Linux >= 6.8
 * (bpf_xdp_metadata_rx_vlan_tag and AF_XDP TX metadata are 6.8), root (CAP_BPF, CAP_NET_ADMIN,
 * netns), the kernel's BTF (/sys/kernel/btf/vmlinux, for CO-RE and kfunc resolution), network
 * namespaces, iproute2, gcc with libbpf-dev (the native helper is built at first use) and
 * bpftool (the xlated dump that shows where each kfunc call went). clang is needed only to
 * rebuild the objects (packages/kernel/bpf/build.sh). Whether the bpf(2) syscall itself is
 * allowed is checked by the helper when a session opens (bpf_enable_stats).
 *
 * `kernelLanePrerequisites()` returns every missing item at once (never the first alone).
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { release } from "node:os"
import { Effect } from "effect"
import { KernelLaneUnavailable, type MissingPrerequisite } from "./KernelErrors.js"

export const MIN_KERNEL: readonly [number, number] = [6, 8]

const APT = "apt-get install -y"

const hasCommand = (name: string): boolean => spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0

/** "6.18.44-fc-v1252" -> [6, 18]; null when the release string has no major.minor. */
export const parseKernelRelease = (r: string): readonly [number, number] | null => {
  const m = /^(\d+)\.(\d+)/.exec(r)
  return m === null ? null : [Number(m[1]), Number(m[2])]
}

export interface PrerequisiteOptions {
  /** also require clang (rebuilding the .bpf.o fixtures) */
  readonly clang?: boolean
}

export const kernelLanePrerequisites = (opts: PrerequisiteOptions = {}): ReadonlyArray<MissingPrerequisite> => {
  const missing: MissingPrerequisite[] = []
  if (process.platform !== "linux") {
    return [{ what: "Linux", found: process.platform, fix: "run on a Linux >= 6.8 machine" }]
  }
  const uid = process.getuid?.() ?? -1
  if (uid !== 0) missing.push({ what: "root (uid 0: CAP_BPF, CAP_NET_ADMIN, netns)", found: `uid ${uid}`, fix: "run as root, e.g. sudo" })
  const rel = release()
  const v = parseKernelRelease(rel)
  if (v === null || v[0] < MIN_KERNEL[0] || (v[0] === MIN_KERNEL[0] && v[1] < MIN_KERNEL[1])) {
    missing.push({ what: `kernel >= ${MIN_KERNEL.join(".")}`, found: rel, fix: "boot a newer kernel" })
  }
  if (!existsSync("/sys/kernel/btf/vmlinux")) {
    missing.push({ what: "kernel BTF /sys/kernel/btf/vmlinux", found: "absent", fix: "a kernel built with CONFIG_DEBUG_INFO_BTF=y" })
  }
  if (!existsSync("/proc/self/ns/net")) {
    missing.push({ what: "network namespaces", found: "no /proc/self/ns/net", fix: "a kernel with CONFIG_NET_NS=y" })
  }
  if (!hasCommand("ip")) missing.push({ what: "iproute2 (ip)", found: "absent", fix: `${APT} iproute2` })
  if (!hasCommand("gcc")) missing.push({ what: "gcc (builds the native helper)", found: "absent", fix: `${APT} gcc libc6-dev` })
  if (!existsSync("/usr/include/bpf/libbpf.h")) {
    missing.push({ what: "libbpf-dev (/usr/include/bpf/libbpf.h, libbpf.so)", found: "absent", fix: `${APT} libbpf-dev` })
  }
  if (!hasCommand("bpftool")) missing.push({ what: "bpftool (xlated dump)", found: "absent", fix: `${APT} bpftool` })
  if (opts.clang === true && !hasCommand("clang")) {
    missing.push({ what: "clang (packages/kernel/bpf/build.sh)", found: "absent", fix: `${APT} clang llvm` })
  }
  return missing
}

/** Fails with one KernelLaneUnavailable naming everything missing. */
export const requireKernelLane = (opts: PrerequisiteOptions = {}): Effect.Effect<void, KernelLaneUnavailable> =>
  Effect.suspend(() => {
    const missing = kernelLanePrerequisites(opts)
    return missing.length === 0 ? Effect.void : Effect.fail(new KernelLaneUnavailable({ missing }))
  })
