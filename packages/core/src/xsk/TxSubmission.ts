/**
 * What a host hands a driver's skb transmit path (ndo_start_xmit) — the devtx model of the
 * sk_buff fields a NIC's TX path reads: the frame bytes, CHECKSUM_PARTIAL's csum_start /
 * csum_offset, a launch time (skb->skb_mstamp_ns, as AF_XDP copy mode sets it), and where the
 * completion timestamp must go (skb_shinfo(skb)->xsk_meta, for AF_XDP copy mode). One object is
 * reused per submission; the driver copies what it needs before returning.
 */
export class TxSkb {
  /** memory holding the frame */
  mem: Uint8Array = new Uint8Array(0)
  /** offset of the frame in `mem`, and its length */
  data = 0
  len = 0
  /** CHECKSUM_PARTIAL: checksum from `csumStart` (frame-relative) to the end, stored at csumStart + csumOffset; -1 = none */
  csumStart = -1
  csumOffset = 0
  /** request a hardware TX timestamp (SKBTX_HW_TSTAMP) */
  hwTstamp = false
  /** launch time in ns (hi:lo); both 0 = none */
  launchHi = 0
  launchLo = 0
  /** opaque token returned to `onComplete` */
  cookie = 0

  reset(): void {
    this.data = 0
    this.len = 0
    this.csumStart = -1
    this.csumOffset = 0
    this.hwTstamp = false
    this.launchHi = 0
    this.launchLo = 0
    this.cookie = 0
  }
}

/** NETDEV_TX_OK / NETDEV_TX_BUSY (include/linux/netdevice.h, enum netdev_tx) */
export const NetdevTx = { OK: 0x00, BUSY: 0x10 } as const

/**
 * A TX completion of the skb path, reported to the submitter in submit order. `tsHi/tsLo`: the
 * hardware timestamp when one was requested and taken, else 0/0.
 */
export type TxSkbCompletion = (cookie: number, tsHi: number, tsLo: number) => void

/** Frames leaving the device: the wire. `tsHi:tsLo` is the PHC time the frame left. */
export type TxWire = (mem: Uint8Array, off: number, len: number, tsHi: number, tsLo: number) => void
