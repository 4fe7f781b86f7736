/**
 * Generator of test/golden/ice-rx-descriptors.hex (regression fixtures: the model's own output,
 * not independent truth — IceIndependentRxDesc.test.ts is): each hand-built frame of IceTestFrames run
 * through a fresh ice device in the named configuration; the 32-byte write-back descriptor the
 * hardware model wrote is dumped as hex, one "case: hex" line each.
 *
 * Rebuild: npm run golden -w @devtx/drivers-ice   (DEVTX_REBUILD_GOLDEN=1 vitest run IceGolden)
 */
import { decodeDriverConfig } from "@devtx/core"
import { driver, type IceNetDevice } from "@devtx/drivers-ice"
import { Effect } from "effect"
import { HAND_FRAMES } from "../IceTestFrames.js"

export interface GoldenCase {
  readonly name: string
  readonly frame: string
  readonly config: Record<string, unknown>
}

export const GOLDEN_CASES: ReadonlyArray<GoldenCase> = [
  { name: "svm-ctag/ipv4-tcp", frame: "ipv4-tcp-ctag", config: {} },
  { name: "dvm-stag/ipv4-udp-qinq", frame: "ipv4-udp-qinq-stag-ctag", config: { vlanMode: "double", vlanStrip: "stag" } },
  { name: "dvm-ctag/ipv4-udp-qinq", frame: "ipv4-udp-qinq-stag-ctag", config: { vlanMode: "double", vlanStrip: "ctag" } },
  { name: "svm-ctag/ipv6-udp", frame: "ipv6-udp-untagged", config: {} },
  { name: "svm-ctag/ipv4-gre-ipv4-tcp", frame: "ipv4-gre-ipv4-tcp", config: {} },
  { name: "svm-ctag/ipv6-ipip-ipv4-udp", frame: "ipv6-ipip-ipv4-udp", config: {} },
  { name: "vxlan4789/ipv4-vxlan-vlan-ipv6-tcp", frame: "ipv4-vxlan-vlan-ipv6-tcp", config: { vxlanPorts: [4789] } },
  { name: "svm-ctag/ipv6-gre-ipv4badhdr-tcp", frame: "ipv6-gre-ipv4badhdr-tcp", config: {} },
  { name: "switchdev/ipv6-udp", frame: "ipv6-udp-untagged", config: { switchdev: true } },
  { name: "e830/ipv4-tcp", frame: "ipv4-tcp-ctag", config: { mac: "e830" } }
]

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join("")

/** Run one case: the descriptor bytes (before the driver touches them). */
export const goldenDescriptor = (c: GoldenCase): Promise<Uint8Array> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const cfg = yield* decodeDriverConfig(driver, { ...driver.defaultConfig, ...c.config })
      const dev = driver.createDevice(cfg, { ifname: "ice0", ifindex: 3 }) as IceNetDevice
      const f = HAND_FRAMES.find((x) => x.name === c.frame)!
      const rc = dev.hwReceive(f.bytes, 0, f.bytes.length)
      if (rc !== 0) return yield* Effect.die(new Error(`hwReceive ${rc}`))
      const q = dev.queues[dev.hardware.lastQueue]!
      const off = ((q.hwHead - 1) & q.ring.mask) * 32
      return q.ring.bytes.slice(off, off + 32)
    })
  )

export const generateGolden = async (): Promise<string> => {
  const lines: string[] = []
  for (const c of GOLDEN_CASES) lines.push(`${c.name}: ${hex(await goldenDescriptor(c))}`)
  return `${lines.join("\n")}\n`
}
