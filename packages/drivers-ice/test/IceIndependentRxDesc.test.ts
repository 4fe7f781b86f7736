/**
 * An independent source for the ice RX write-back descriptor, next to the golden file (the
 * model's own output, kept as a regression fixture): the 32 bytes of struct
 * ice_32b_rx_flex_desc_nic (drivers/net/ethernet/intel/ice/ice_lan_tx_rx.h) for an untagged
 * IPv6/UDP frame, written here field by field from the kernel's definitions with the arithmetic
 * shown, and compared with what the hardware model writes.
 */
import { decodeDriverConfig, toeplitzHash, toeplitzKey } from "@devtx/core"
import { DEFAULT_ICE_RSS_KEY_HEX, driver, type IceNetDevice, parseIceRssKeyHex } from "@devtx/drivers-ice"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { HAND_FRAMES } from "./IceTestFrames.js"

const le16 = (b: number[], at: number, v: number) => {
  b[at] = v & 0xff
  b[at + 1] = (v >>> 8) & 0xff
}
const le32 = (b: number[], at: number, v: number) => {
  le16(b, at, v & 0xffff)
  le16(b, at + 2, v >>> 16)
}

describe("ice_32b_rx_flex_desc_nic written from the kernel's field definitions (independent of the golden file)", () => {
  it("untagged IPv6/UDP: every one of the 32 bytes", async () => {
    const f = HAND_FRAMES.find((x) => x.name === "ipv6-udp-untagged")!
    // 14 (Ethernet) + 40 (IPv6) + 8 (UDP) + 6 data = 68
    expect(f.bytes.length).toBe(68)
    const got = await Effect.runPromise(
      Effect.gen(function* () {
        const cfg = yield* decodeDriverConfig(driver, driver.defaultConfig)
        const dev = driver.createDevice(cfg, { ifname: "ice0", ifindex: 3 }) as IceNetDevice
        expect(dev.hwReceive(f.bytes, 0, f.bytes.length)).toBe(0)
        const q = dev.queues[dev.hardware.lastQueue]!
        const off = ((q.hwHead - 1) & q.ring.mask) * 32
        return [...q.ring.bytes.subarray(off, off + 32)]
      })
    )

    const want = new Array<number>(32).fill(0)
    // @0 rxdid: ICE_RXDID_FLEX_NIC = 2 (enum ice_rxdid)
    want[0] = 2
    // @1 mir_id_umb_cast: UMBCAST bits 7:6 = 0 (unicast destination 02:00:00:00:00:02), mirror id 0
    // @2 ptype_flex_flags0 (LE16): ptype bits 9:0 (ICE_RX_FLEX_DESC_PTYPE_M) = 90 = MAC, IPv6, UDP,
    //    PAY4 in the ice_ptype_lkup table; flex flags0 0
    le16(want, 2, 90)
    // @4 pkt_len (LE16): bits 13:0 (ICE_RX_FLX_DESC_PKT_LEN_M) = 68, no tag stripped
    le16(want, 4, 68)
    // @6 hdr_len_sph_flex_flags1: 0 (no header split)
    // @8 status_error0 (LE16), enum ice_rx_flex_desc_status_error_0_bits:
    //    DD_S 0 | EOF_S 1 | L3L4P_S 3 | RSS_VALID_S 12 = 0x1 | 0x2 | 0x8 | 0x1000 = 0x100b
    le16(want, 8, (1 << 0) | (1 << 1) | (1 << 3) | (1 << 12))
    // @10 l2tag1 (LE16): 0, no tag (L2TAG1P_S 13 clear above)
    // @12 rss_hash (LE32): Toeplitz with the 52-byte default key over src ip | dst ip | src port | dst port
    const key = toeplitzKey(parseIceRssKeyHex(DEFAULT_ICE_RSS_KEY_HEX))
    le32(want, 12, toeplitzHash(key, Uint8Array.from(f.hashInput), 0, f.hashInput.length))
    // @16 status_error1 (LE16): 0; @18 flex_flags2: 0
    // @19 ts_low: bit 0 = ICE_PTP_TS_VALID (RX timestamping on by default), sub-ns bits 7:1 = 0
    want[19] = 1
    // @20 raw_csum / l2tag2_1st: 0 (E810); @22 l2tag2_2nd: 0
    // @24 flow_id (LE32): 0 (no flow director rule; the model writes 0 and the driver does not read it)
    // @28 flex_ts.ts_high (LE32): the low 32 bits of the PHC ns at reception = PHC start
    //     1_700_000_000_000_000_000 + one 5000 ns tick, mod 2^32
    le32(want, 28, Number((1_700_000_000_000_000_000n + 5000n) & 0xffffffffn))
    expect(got.map((b) => b.toString(16).padStart(2, "0")).join(" ")).toBe(want.map((b) => b.toString(16).padStart(2, "0")).join(" "))
  })
})
