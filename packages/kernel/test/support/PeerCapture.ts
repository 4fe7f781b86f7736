/**
 * A capture on the rig's peer, inside its netns: `ip netns exec NS tcpdump --immediate-mode -i PEER -U -w FILE
 * udp`, started before the traffic (resolves once tcpdump says it is listening) and stopped
 * with SIGINT; the file is then read by tshark (`-T fields`), an oracle independent of devtx.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface PeerCapture {
  readonly stop: () => Promise<string>
  readonly cleanup: () => void
}

export const startPeerCapture = async (netns: string, ifname: string): Promise<PeerCapture> => {
  const dir = mkdtempSync(join(tmpdir(), "devtx-cap-"))
  const file = join(dir, "peer.pcap")
  const p: ChildProcess = spawn("ip", ["netns", "exec", netns, "tcpdump", "--immediate-mode", "-i", ifname, "-U", "-n", "-w", file, "udp"], { stdio: ["ignore", "ignore", "pipe"] })
  await new Promise<void>((resolve, reject) => {
    let err = ""
    const t = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000)
    p.stderr!.on("data", (d) => {
      err += d
      if (err.includes("listening on")) {
        clearTimeout(t)
        resolve()
      }
    })
    p.once("exit", (c) => reject(new Error(`tcpdump exited ${c}: ${err}`)))
  })
  return {
    stop: () =>
      new Promise((resolve) => {
        p.once("exit", () => resolve(file))
        p.kill("SIGINT")
      }),
    cleanup: () => {
      if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL")
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** tshark fields per frame (tab-separated), UDP checksum validation on. */
export const tsharkFields = (file: string, fields: ReadonlyArray<string>): string[][] => {
  const r = spawnSync("tshark", ["-r", file, "-o", "udp.check_checksum:TRUE", "-T", "fields", ...fields.flatMap((f) => ["-e", f])], { encoding: "utf8" })
  if (r.status !== 0) throw new Error(`tshark: ${r.stderr}`)
  return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t"))
}
