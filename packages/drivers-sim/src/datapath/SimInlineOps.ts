/**
 * The reference driver's xdp_metadata_ops (SimMetadataOps.ts) as a description the loader can
 * splice (core placement/InlineMetadataOps.ts): the same reads of the 32-byte write-back
 * descriptor (SimRxDescriptor.ts), as offsets, widths and status-bit tests. The descriptor is
 * SimXdpBuff.desc at SimXdpBuff.descOff.
 *
 * - timestamp: TS_VALID clear -> -ENODATA; else lo = u32 LE @16, hi = u32 LE @20.
 * - hash:      RSS_VALID clear -> -ENODATA; else hash = u32 LE @0, rss_type = u16 LE @8.
 * - vlan:      VLAN_STRIPPED clear -> -ENODATA; else vlan_proto = the TPID @14 read BIG-endian
 *              (= htons of the little-endian host-order field: __be16 as a LE host loads it),
 *              vlan_tci = u16 LE @12.
 * - checksum:  L3L4P clear -> -ENODATA; RAW_CSUM_VALID -> COMPLETE, cksum = u16 LE @24, level 0;
 *              L4_CHECKED with no L3/L4 error -> UNNECESSARY, level = u8 @26; else NONE.
 */
import { Errno, type NetDevice, XdpChecksum } from "@devtx/core"
import { SimRxDesc, SimRxError, SimRxStatus } from "./SimRxDescriptor.js"

/** core's InlineMetadataOps, named through the NetDevice member that carries it */
type InlineMetadataOps = NonNullable<NetDevice["xdpMetadataInline"]>

const status = { offset: SimRxDesc.STATUS, width: 1, bigEndian: false } as const
const errors = { offset: SimRxDesc.ERRORS, width: 2, bigEndian: false } as const

export const simInlineOps: InlineMetadataOps = {
  driver: "sim",
  locator: { view: "desc", offset: "descOff" },
  xmoRxTimestamp: {
    cases: [
      { tests: [{ field: status, mask: SimRxStatus.TS_VALID, when: "clear" }], rc: -Errno.ENODATA, writes: {} },
      {
        tests: [],
        rc: 0,
        writes: {
          lo: { field: { offset: SimRxDesc.TS_LO, width: 4, bigEndian: false } },
          hi: { field: { offset: SimRxDesc.TS_HI, width: 4, bigEndian: false } }
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
          hash: { field: { offset: SimRxDesc.RSS_HASH, width: 4, bigEndian: false } },
          rssType: { field: { offset: SimRxDesc.RSS_TYPE, width: 2, bigEndian: false } }
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
          vlanProto: { field: { offset: SimRxDesc.VLAN_TPID, width: 2, bigEndian: true } },
          vlanTci: { field: { offset: SimRxDesc.VLAN_TCI, width: 2, bigEndian: false } }
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
          cksum: { field: { offset: SimRxDesc.RAW_CSUM, width: 2, bigEndian: false } },
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
          cksumLevel: { field: { offset: SimRxDesc.CSUM_LEVEL, width: 1, bigEndian: false } }
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
