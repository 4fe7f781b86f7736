/**
 * The rig: a private network namespace and a veth pair, names unique per run
 * (`devtx-<pid36>-<rand>`, `dtx<pid36><rand>r` / `...p`), created with iproute2.
 *
 *   root netns                          netns devtx-<id>
 *   +-------------------+   veth pair   +-------------------+
 *   | rx: dtx<id>r      |<------------->| peer: dtx<id>p    |  traffic is generated here
 *   | program attached  |               | (AF_PACKET, XDP   |  and goes only to rx
 *   +-------------------+               |  live frames, XSK)|
 *                                       +-------------------+
 *
 * IPv6 is disabled on both ends (no router solicitations in the counts). Teardown deletes the
 * netns (which deletes the peer and with it the pair) and then the rx end if it is still there;
 * it runs on release, on error, and on SIGINT/SIGTERM/exit through `registerCleanup`. Nothing is
 * pinned. Only interfaces this module created are ever touched.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { RigError } from "./KernelErrors.js"

export interface VethEnd {
  readonly ifname: string
  readonly ifindex: number
  readonly mac: ReadonlyArray<number>
}

export interface VethRig {
  readonly id: string
  readonly netns: string
  /** /var/run/netns/<netns>, the path the helper setns()es into */
  readonly netnsPath: string
  /** the receiving end, in the root netns: programs are dev-bound and attached here */
  readonly rx: VethEnd
  /** the peer, inside the netns: traffic starts here */
  readonly peer: VethEnd
}

export const RIG_PREFIX = "dtx"
export const NETNS_PREFIX = "devtx-"

const ip = (args: ReadonlyArray<string>): string => {
  const r = spawnSync("ip", args, { encoding: "utf8" })
  if (r.error !== undefined) throw new RigError({ command: `ip ${args.join(" ")}`, reason: r.error.message })
  if (r.status !== 0) throw new RigError({ command: `ip ${args.join(" ")}`, reason: r.stderr.trim() || `exit ${r.status}` })
  return r.stdout
}

const macOf = (s: string): number[] => s.split(":").map((h) => Number.parseInt(h, 16))

const linkInfo = (netns: string | null, ifname: string): VethEnd => {
  const out = ip([...(netns === null ? [] : ["-n", netns]), "-j", "link", "show", "dev", ifname])
  const [l] = JSON.parse(out) as Array<{ ifindex: number; address: string }>
  if (l === undefined) throw new RigError({ command: `ip link show dev ${ifname}`, reason: "no such link" })
  return { ifname, ifindex: l.ifindex, mac: macOf(l.address) }
}

const disableIpv6 = (netns: string | null, ifname: string): void => {
  const path = `/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`
  if (netns === null) {
    if (existsSync(path)) writeFileSync(path, "1")
  } else {
    spawnSync("ip", ["netns", "exec", netns, "sh", "-c", `[ -e ${path} ] && echo 1 > ${path} || true`])
  }
}

/**
 * The rx end sits in the root netns: a frame a program passes up must never be routed onward
 * (ip_route_input_slow refuses when the ingress device's IPv4 forwarding is off).
 */
const noForwarding = (ifname: string): void => {
  const path = `/proc/sys/net/ipv4/conf/${ifname}/forwarding`
  if (existsSync(path)) writeFileSync(path, "0")
}

// ------------------------------------------------------------- cleanup on exit and signals

const cleanups = new Map<number, () => void>()
let nextCleanup = 1
let handlersInstalled = false

const runAllCleanups = (): void => {
  for (const [k, f] of [...cleanups].reverse()) {
    cleanups.delete(k)
    try {
      f()
    } catch {
      /* best effort: the others still run */
    }
  }
}

const onSignal = (sig: NodeJS.Signals): void => {
  runAllCleanups()
  process.exit(sig === "SIGINT" ? 130 : 143)
}

/**
 * Registers a synchronous cleanup run on process exit and on SIGINT/SIGTERM (then the process
 * exits 130/143). Returns the function that unregisters it.
 */
export const registerCleanup = (f: () => void): (() => void) => {
  if (!handlersInstalled) {
    handlersInstalled = true
    process.on("exit", runAllCleanups)
    process.on("SIGINT", onSignal)
    process.on("SIGTERM", onSignal)
  }
  const k = nextCleanup++
  cleanups.set(k, f)
  return () => {
    cleanups.delete(k)
  }
}

// ------------------------------------------------------------- create / destroy

export const rigNames = (): { id: string; netns: string; rx: string; peer: string } => {
  const id = `${process.pid.toString(36)}${randomBytes(3).toString("hex").slice(0, 5)}`
  return { id, netns: `${NETNS_PREFIX}${id}`, rx: `${RIG_PREFIX}${id}r`, peer: `${RIG_PREFIX}${id}p` }
}

/** Deletes what createRig made (idempotent, synchronous, never throws). */
export const destroyRig = (names: { netns: string; rx: string }): void => {
  spawnSync("ip", ["netns", "del", names.netns], { stdio: "ignore" })
  if (existsSync(`/sys/class/net/${names.rx}`)) spawnSync("ip", ["link", "del", "dev", names.rx], { stdio: "ignore" })
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Removes rigs left by a devtx process that no longer exists (one killed with SIGKILL cannot
 * clean up): a netns `devtx-<pid36><5 chars>` whose pid is dead, and its rx link. Anything not
 * matching that exact pattern is never touched. Returns the netns removed.
 */
export const sweepStaleRigs = (): string[] => {
  const removed: string[] = []
  const { netns, links } = leftoverRigObjects()
  const dead = (id: string): boolean => {
    const pid = Number.parseInt(id.slice(0, -5), 36)
    return Number.isInteger(pid) && pid > 0 && !pidAlive(pid)
  }
  for (const ns of netns) {
    const id = ns.slice(NETNS_PREFIX.length)
    if (/^[0-9a-z]{6,}$/.test(id) && dead(id)) {
      destroyRig({ netns: ns, rx: `${RIG_PREFIX}${id}r` })
      removed.push(ns)
    }
  }
  for (const l of links) {
    const id = l.slice(RIG_PREFIX.length, -1)
    if (l.endsWith("r") && /^[0-9a-z]{6,}$/.test(id) && dead(id)) spawnSync("ip", ["link", "del", "dev", l], { stdio: "ignore" })
  }
  return removed
}

/** Creates the netns and the pair; on any failure removes what was made and throws RigError. */
export const createRig = (): VethRig => {
  sweepStaleRigs()
  const n = rigNames()
  try {
    ip(["netns", "add", n.netns])
    ip(["link", "add", n.rx, "type", "veth", "peer", "name", n.peer, "netns", n.netns])
    disableIpv6(null, n.rx)
    noForwarding(n.rx)
    disableIpv6(n.netns, n.peer)
    ip(["link", "set", "dev", n.rx, "up"])
    ip(["-n", n.netns, "link", "set", "dev", n.peer, "up"])
    return {
      id: n.id,
      netns: n.netns,
      netnsPath: `/var/run/netns/${n.netns}`,
      rx: linkInfo(null, n.rx),
      peer: linkInfo(n.netns, n.peer)
    }
  } catch (e) {
    destroyRig(n)
    throw e
  }
}

/** Our leftovers on this machine: netns named devtx-*, links named dtx*r / dtx*p in the root netns. */
export const leftoverRigObjects = (): { netns: string[]; links: string[] } => {
  const ns = spawnSync("ip", ["-j", "netns", "list"], { encoding: "utf8" })
  const netns = ns.status === 0 && ns.stdout.trim() !== "" ? (JSON.parse(ns.stdout) as Array<{ name: string }>).map((x) => x.name) : []
  const links = readdirNet().filter((l) => new RegExp(`^${RIG_PREFIX}[0-9a-z]+[rp]$`).test(l))
  return { netns: netns.filter((x) => x.startsWith(NETNS_PREFIX)), links }
}

const readdirNet = (): string[] => {
  const r = spawnSync("ls", ["/sys/class/net"], { encoding: "utf8" })
  return r.status === 0 ? r.stdout.split("\n").filter((s) => s !== "") : []
}

/** The driver bound to a netdev ("veth", "mlx5_core", ...), from /sys/class/net/IF. */
export const netdevDriver = (ifname: string): string | null => {
  try {
    const uevent = readFileSync(`/sys/class/net/${ifname}/device/uevent`, "utf8")
    const m = /^DRIVER=(.+)$/m.exec(uevent)
    if (m !== null) return m[1]!
  } catch {
    /* virtual devices have no device/ */
  }
  const r = spawnSync("ip", ["-d", "-j", "link", "show", "dev", ifname], { encoding: "utf8" })
  if (r.status !== 0) return null
  const [l] = JSON.parse(r.stdout) as Array<{ linkinfo?: { info_kind?: string } }>
  return l?.linkinfo?.info_kind ?? null
}
