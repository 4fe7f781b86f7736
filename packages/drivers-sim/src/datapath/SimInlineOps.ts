/**
 * The reference driver's xdp_metadata_ops (SimMetadataOps.ts) as a description the loader can
 * splice (core placement/InlineMetadataOps.ts): the same reads of the 32-byte write-back
 * descriptor (SimRxDescriptor.ts), as offsets, widths and status-bit tests, for the device's RX
 * layout version — the offsets come from the SimRxLayout the device was brought up with, so an
 * inlined program reads v2 descriptors at v2 offsets. The descriptor is SimXdpBuff.desc at
 * SimXdpBuff.descOff. In layout terms (v1 offset / v2 offset):
 *
 * - timestamp: TS_VALID clear -> -ENODATA; else lo = u32 LE @TS_LO (16/4), hi = u32 LE @TS_HI (20/8).
 * - hash:      RSS_VALID clear -> -ENODATA; else hash = u32 LE @RSS_HASH (0/12), rss_type = u16 LE
 *              @RSS_TYPE (8/16).
 * - vlan:      VLAN_STRIPPED clear -> -ENODATA; else vlan_proto = the TPID @VLAN_TPID (14/22) read
 *              BIG-endian (= htons of the little-endian host-order field: __be16 as a LE host loads
 *              it), vlan_tci = u16 LE @VLAN_TCI (12/20).
 * - checksum:  L3L4P clear -> -ENODATA; RAW_CSUM_VALID -> COMPLETE, cksum = u16 LE @RAW_CSUM (24/24),
 *              level 0; L4_CHECKED with no L3/L4 error (@ERRORS 10/18) -> UNNECESSARY, level = u8
 *              @CSUM_LEVEL (26/26); else NONE.
 * The status byte is @STATUS (7/1).
 */
import { Errno, type NetDevice, XdpChecksum } from "@devtx/core"
import { SIM_RX_LAYOUT_V1, SIM_RX_LAYOUT_V2, SimRxError, type SimRxLayout, SimRxStatus } from "./SimRxDescriptor.js"

/** core's InlineMetadataOps, named through the NetDevice member that carries it */
type InlineMetadataOps = NonNullable<NetDevice["xdpMetadataInline"]>

/** The inline description of the metadata ops for one RX descriptor layout. */
export const simInlineOpsFor = (L: SimRxLayout): InlineMetadataOps => {
  const status = { offset: L.STATUS, width: 1, bigEndian: false } as const
  const errors = { offset: L.ERRORS, width: 2, bigEndian: false } as const
  return {
    driver: "sim",
    locator: { view: "desc", offset: "descOff" },
    xmoRxTimestamp: {
      cases: [
        { tests: [{ field: status, mask: SimRxStatus.TS_VALID, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
        {
          tests: [],
          rc: 0,
          writes: {
            lo: { field: { offset: L.TS_LO, width: 4, bigEndian: false } },
            hi: { field: { offset: L.TS_HI, width: 4, bigEndian: false } }
          }
        }
      ]
    },
    xmoRxHash: {
      cases: [
        { tests: [{ field: status, mask: SimRxStatus.RSS_VALID, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
        {
          tests: [],
          rc: 0,
          writes: {
            hash: { field: { offset: L.RSS_HASH, width: 4, bigEndian: false } },
            rssType: { field: { offset: L.RSS_TYPE, width: 2, bigEndian: false } }
          }
        }
      ]
    },
    xmoRxVlanTag: {
      cases: [
        { tests: [{ field: status, mask: SimRxStatus.VLAN_STRIPPED, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
        {
          tests: [],
          rc: 0,
          writes: {
            vlanProto: { field: { offset: L.VLAN_TPID, width: 2, bigEndian: true } },
            vlanTci: { field: { offset: L.VLAN_TCI, width: 2, bigEndian: false } }
          }
        }
      ]
    },
    xmoRxChecksum: {
      cases: [
        { tests: [{ field: status, mask: SimRxStatus.L3L4P, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
        {
          tests: [{ field: status, mask: SimRxStatus.RAW_CSUM_VALID, when: "set" }],
          rc: 0,
          writes: {
            ipSummed: { constant: XdpChecksum.COMPLETE },
            cksum: { field: { offset: L.RAW_CSUM, width: 2, bigEndian: false } },
            cksumLevel: { constant: 0 }
          }
        },
        {
          tests: [
            { field: status, mask: SimRxStatus.L4_CHECKED, when: "set" },
            { field: errors, mask: SimRxError.L3_CSUM | SimRxError.L4_CSUM, when: "clear" }
          ],
          rc: 0,
          writes: {
            ipSummed: { constant: XdpChecksum.UNNECESSARY },
            cksum: { constant: 0 },
            cksumLevel: { field: { offset: L.CSUM_LEVEL, width: 1, bigEndian: false } }
          }
        },
        {
          tests: [],
          rc: 0,
          writes: { ipSummed: { constant: XdpChecksum.NONE }, cksum: { constant: 0 }, cksumLevel: { constant: 0 } }
        }
      ]
    }
  }
}

/** Layout version 1 (the default configuration) and version 2. */
export const simInlineOps: InlineMetadataOps = simInlineOpsFor(SIM_RX_LAYOUT_V1)
export const simInlineOpsV2: InlineMetadataOps = simInlineOpsFor(SIM_RX_LAYOUT_V2)
