/**
 * An independent source for the mlx5 RX completion, next to the golden fixtures (which are the
 * model's own output, kept as regression fixtures): the 64 bytes of struct mlx5_cqe64 for one
 * TCP/IPv4 frame written here field by field from include/linux/mlx5/device.h, with the
 * arithmetic shown, and compared with what the hardware model writes.
 *
 * Inputs: the Microsoft RSS verification frame 66.9.149.187:2794 -> 161.142.100.80:1766 TCP with
 * 100 bytes of payload (hash 0x51ccc178 with the Microsoft key, the driver's default), the PHC
 * starting at 1_700_000_000 s and advancing 5000 ns per received frame, real-time timestamp
 * format, first WQE of the RQ, first pass over the CQ.
 */
import { buildFrame, type FrameSpec } from "@devtx/core"
import { driver, type Mlx5NetDevice } from "@devtx/drivers-mlx"
import { describe, expect, it } from "vitest"

const spec: FrameSpec = {
  dstMac: [0x02, 0, 0, 0, 0, 2],
  srcMac: [0x02, 0, 0, 0, 0, 1],
  vlans: [],
  l3: { kind: "ipv4", src: [66, 9, 149, 187], dst: [161, 142, 100, 80], tos: 0, id: 0x1234, ttl: 64, dontFragment: true, options: [], badHeaderChecksum: false },
  l4: { kind: "tcp", srcPort: 2794, dstPort: 1766, seq: 1000, ack: 2000, flags: 0x18, window: 512, options: [], payloadLen: 100 },
  badL4Checksum: false,
  udpZeroChecksum: false,
  padToMin: false,
  payloadSeed: 7,
  corruptMask: 0
}

const be16 = (b: number[], at: number, v: number) => {
  b[at] = (v >>> 8) & 0xff
  b[at + 1] = v & 0xff
}
const be32 = (b: number[], at: number, v: number) => {
  be16(b, at, v >>> 16)
  be16(b, at + 2, v & 0xffff)
}

describe("mlx5_cqe64 written from the kernel's field definitions (independent of the golden file)", () => {
  it("TCP/IPv4 frame: every one of the 64 bytes", () => {
    const frame = buildFrame(spec)
    // 14 (Ethernet) + 20 (IPv4) + 20 (TCP) + 100 = 154
    expect(frame.length).toBe(154)
    const config = { ...driver.defaultConfig, ringSize: 64, rxTimestamp: "all", tsFormat: "real-time", phcStartNs: "1700000000000000000", tickNs: 5000 }
    const dev = driver.createDevice(config as typeof driver.defaultConfig, { ifname: "mlx0", ifindex: 3 }) as Mlx5NetDevice
    expect(dev.hwReceive(frame, 0, frame.length)).toBe(0)
    dev.hardware.flush(0)
    const got = [...dev.rqs[0]!.mem.cq.subarray(0, 64)]

    const want = new Array<number>(64).fill(0)
    // @0 tls_outer_l3_tunneled 0 (not tunneled, no TLS), rsvd0, wqe_id, lro_* : 0 (no LRO)
    // @12 rss_hash_result (BE32): Toeplitz over src ip | dst ip | src port | dst port with the
    //     Microsoft key = 0x51ccc178 (the published verification vector)
    be32(want, 12, 0x51ccc178)
    // @16 rss_hash_type: CQE_RSS_HTYPE_IP bits 3:2 = 01 (IPv4), CQE_RSS_HTYPE_L4 bits 7:6 = 01 (TCP)
    want[16] = (1 << 2) | (1 << 6) // 0x44
    // @20 check_sum (BE16): ones' complement sum of the IP header through the end of the datagram
    let s = 0
    for (let i = 14; i < 154; i += 2) s += (frame[i]! << 8) | frame[i + 1]!
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
    be16(want, 20, s)
    // @28 hds_ip_ext: CQE_L2_OK (bit 0) | CQE_L3_OK (bit 1) | CQE_L4_OK (bit 2) = 0x07
    want[28] = 0x1 | 0x2 | 0x4
    // @29 l4_l3_hdr_type: L4 type bits 6:4 = CQE_L4_HDR_TYPE_TCP_ACK_AND_DATA (0x4: ACK set, 100
    //     bytes of data), L3 type bits 3:2 = CQE_L3_HDR_TYPE_IPV4 (0x2), bit 0 (VLAN) clear
    want[29] = (0x4 << 4) | (0x2 << 2) // 0x48
    // @44 byte_cnt (BE32): the frame length
    be32(want, 44, 154)
    // @48 timestamp (BE64), real-time format: [63:32] seconds, [31:0] nanoseconds
    //     (mlx5_real_time_cyc2time); first frame = PHC start + one 5000 ns tick
    be32(want, 48, 1_700_000_000)
    be32(want, 52, 5000)
    // @60 wqe_counter (BE16): WQE 0
    be16(want, 60, 0)
    // @63 op_own: opcode bits 7:4 = MLX5_CQE_RESP_SEND (2), format bits 3:2 = 0 (no inline data),
    //     owner bit 0 = 0 on the first pass over the CQ
    want[63] = (2 << 4) | (0 << 2) | 0 // 0x20
    // flags_rqpn @24, srqn @32, immediate @36, sop_drop_qpn @56: 0 (the model does not fill the
    // QP numbers; mlx5e's RX path reads none of them)
    expect(got.map((b) => b.toString(16).padStart(2, "0")).join(" ")).toBe(want.map((b) => b.toString(16).padStart(2, "0")).join(" "))
  })
})
