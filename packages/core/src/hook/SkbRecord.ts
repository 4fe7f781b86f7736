/**
 * What XDP_PASS hands the stack: the sk_buff fields a driver's skb path fills from its RX
 * descriptor (hash, VLAN, checksum, hardware timestamp), as a preallocated record the driver
 * overwrites per packet. The stack sink must copy what it wants to keep.
 *
 * Field meanings follow include/linux/skbuff.h: `hashType` is enum pkt_hash_types
 * (skb_set_hash: L4 sets skb->l4_hash); `ipSummed` is CHECKSUM_NONE/UNNECESSARY/COMPLETE;
 * `csumLevel` is skb->csum_level; `vlanProto` is the TPID in host order (skb->vlan_proto is
 * __be16; devtx stores it ntohs'ed here for readability) and `vlanTci` skb->vlan_tci;
 * hwtstamp is skb_hwtstamps(skb)->hwtstamp in ns as two u32 halves (0/0 = none).
 */
export const PktHashType = { NONE: 0, L2: 1, L3: 2, L4: 3 } as const

export class SkbRecord {
  ifindex = 0
  queue = 0
  /** offset of the first packet byte in the frame memory, and its length */
  dataAddr = 0
  len = 0
  /** bytes of XDP metadata in front of data (skb_metadata_len) */
  metaLen = 0
  hash = 0
  hashType: number = PktHashType.NONE
  vlanPresent = false
  vlanProto = 0
  vlanTci = 0
  ipSummed = 0
  csum = 0
  csumLevel = 0
  hwtstampHi = 0
  hwtstampLo = 0

  reset(): void {
    this.dataAddr = 0
    this.len = 0
    this.metaLen = 0
    this.hash = 0
    this.hashType = PktHashType.NONE
    this.vlanPresent = false
    this.vlanProto = 0
    this.vlanTci = 0
    this.ipSummed = 0
    this.csum = 0
    this.csumLevel = 0
    this.hwtstampHi = 0
    this.hwtstampLo = 0
  }
}

/** The stack: receives each XDP_PASS'd packet (and packets with no program attached). */
export type SkbSink = (skb: SkbRecord, memory: Uint8Array) => void
