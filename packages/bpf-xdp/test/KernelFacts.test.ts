/**
 * The program types' kernel numbers against the running kernel's BTF (/sys/kernel/btf/vmlinux;
 * skipped on a machine without it, the one skip CI allows): every helper id in BpfFunc is its
 * enum bpf_func_id value, every struct xdp_md offset is the kernel's, and the RX metadata kfuncs
 * the program type binds by name are the kernel's FUNC names (the proposed checksum kfunc is not
 * in mainline). Plus bpf_trace_printk's formatting (TraceBuffer) on the conversions it accepts.
 */
import * as fs from "node:fs"
import { type BtfComposite, type BtfEnum, BtfKind, decodeBtf, findByName } from "@devtx/bpf"
import { BpfFunc, RX_KFUNC_CALLS, TraceBuffer, XdpMd } from "@devtx/bpf-xdp"
import { Result } from "effect"
import { describe, expect, it } from "vitest"

const VMLINUX = "/sys/kernel/btf/vmlinux"

describe.runIf(fs.existsSync(VMLINUX))("against /sys/kernel/btf/vmlinux", () => {
  const btf = (() => {
    const r = decodeBtf(new Uint8Array(fs.readFileSync(VMLINUX)))
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    return r.success
  })()

  it("every helper id is enum bpf_func_id's", () => {
    const e = btf.typeById(findByName(btf, "bpf_func_id", BtfKind.Enum)!) as BtfEnum
    const values = new Map(e.values.map((v) => [v.name, v.value]))
    for (const [name, id] of Object.entries(BpfFunc)) expect([name, values.get(`BPF_FUNC_${name}`)]).toEqual([name, id])
  })

  it("struct xdp_md offsets are the kernel's", () => {
    const s = btf.typeById(findByName(btf, "xdp_md", BtfKind.Struct)!) as BtfComposite
    expect(s.size).toBe(XdpMd.SIZE)
    const off = Object.fromEntries(s.members.map((m) => [m.name, m.bitOffset / 8]))
    expect(off).toEqual({
      data: XdpMd.DATA,
      data_end: XdpMd.DATA_END,
      data_meta: XdpMd.DATA_META,
      ingress_ifindex: XdpMd.INGRESS_IFINDEX,
      rx_queue_index: XdpMd.RX_QUEUE_INDEX,
      egress_ifindex: XdpMd.EGRESS_IFINDEX
    })
  })

  it("the mainline RX metadata kfuncs exist; the proposed checksum one does not", () => {
    for (const k of Object.keys(RX_KFUNC_CALLS))
      expect([k, findByName(btf, k, BtfKind.Func) !== undefined]).toEqual([k, k !== "bpf_xdp_metadata_rx_checksum"])
    for (const k of ["bpf_cast_to_kern_ctx", "bpf_rdonly_cast"]) expect(findByName(btf, k, BtfKind.Func)).toBeDefined()
  })
})

describe("bpf_trace_printk formatting", () => {
  const enc = (s: string) => new TextEncoder().encode(`${s}\0`)
  const noStr = () => -1
  const print = (t: TraceBuffer, fmt: string, ...args: Array<[number, number]>) => {
    const a = new Uint32Array(6)
    args.forEach(([hi, lo], i) => {
      a[2 * i] = hi
      a[2 * i + 1] = lo
    })
    const f = enc(fmt)
    return t.print(f, 0, f.length, a, 3, noStr)
  }
  it("formats %d %u %x %lld %llu %llx %c %% and refuses the rest", () => {
    const t = new TraceBuffer(4096)
    expect(print(t, "q=%d len=%u hash=%x", [0, 0xfffffffe], [0, 40], [0, 0xbeef])).toBe("q=-2 len=40 hash=beef".length)
    expect(print(t, "ts=%llu neg=%lld %llx", [0x17979cfe, 0x362a5fb8], [0xffffffff, 0xfffffff6], [1, 0]))
      .toBe("ts=1700000000000024504 neg=-10 100000000".length)
    expect(print(t, "%c%c 100%%", [0, 0x6f], [0, 0x6b])).toBe(7)
    expect(t.lines()).toEqual(["q=-2 len=40 hash=beef", "ts=1700000000000024504 neg=-10 100000000", "ok 100%"])
    expect(print(t, "%n", [0, 0])).toBe(-22)
    expect(print(t, "%d %d %d %d", [0, 1], [0, 2], [0, 3])).toBe(-22)
    const f = new TextEncoder().encode("no terminator")
    expect(t.print(f, 0, f.length, new Uint32Array(6), 3, noStr)).toBe(-22)
    expect(t.lines().length).toBe(3)
  })
})
