/**
 * AF_XDP UMEM registration (XDP_UMEM_REG, net/xdp/xdp_umem.c xdp_umem_reg) with the kernel's
 * checks, each failing with -EINVAL and a typed error naming the field:
 *   chunk_size in [XDP_UMEM_MIN_CHUNK_SIZE 2048, PAGE_SIZE 4096]; a power of two unless
 *   XDP_UMEM_UNALIGNED_CHUNK_FLAG; no unknown flag; size a whole number of chunks (aligned mode);
 *   headroom < chunk_size - XDP_PACKET_HEADROOM; with XDP_UMEM_TX_METADATA_LEN, tx_metadata_len
 *   < 256 and a multiple of 8 (without the flag the field is ignored, as in current mainline).
 * XDP_UMEM_TX_SW_CSUM asks the copy-mode path to compute requested checksums in software.
 */
import { Data } from "effect"
import { Errno } from "../kernel/Errno.js"
import { XDP_PACKET_HEADROOM } from "../kernel/XdpGeometry.js"
import { type FrameArea, makeFrameArea } from "../memory/FrameArea.js"

/** XDP_UMEM_* flags (include/uapi/linux/if_xdp.h) */
export const XdpUmemFlag = {
  UNALIGNED_CHUNK: 1 << 0,
  TX_SW_CSUM: 1 << 1,
  TX_METADATA_LEN: 1 << 2
} as const
const XDP_UMEM_FLAGS_VALID = XdpUmemFlag.UNALIGNED_CHUNK | XdpUmemFlag.TX_SW_CSUM | XdpUmemFlag.TX_METADATA_LEN
/** XDP_UMEM_MIN_CHUNK_SIZE = 1 << XDP_UMEM_MIN_CHUNK_SHIFT (11) (include/net/xdp_sock_drv.h) */
export const XDP_UMEM_MIN_CHUNK_SIZE = 2048
/** PAGE_SIZE on x86_64 */
export const PAGE_SIZE = 4096

/** struct xdp_umem_reg (include/uapi/linux/if_xdp.h) */
export interface XdpUmemReg {
  readonly len: number
  readonly chunkSize: number
  readonly headroom: number
  readonly flags: number
  readonly txMetadataLen: number
}

export class XskUmemError extends Data.TaggedError("XskUmemError")<{
  readonly field: keyof XdpUmemReg
  readonly value: number
  readonly errno: number
  readonly reason: string
}> {
  override get message(): string {
    return `XDP_UMEM_REG: ${this.field}=${this.value}: ${this.reason} (${this.errno})`
  }
}

export interface XskUmem {
  readonly area: FrameArea
  readonly chunkSize: number
  readonly headroom: number
  readonly flags: number
  /** bytes reserved before each TX frame for struct xsk_tx_metadata (0 = none) */
  readonly txMetadataLen: number
  readonly txSwCsum: boolean
  readonly chunks: number
}

export const registerUmem = (reg: XdpUmemReg): XskUmem | XskUmemError => {
  const err = (field: keyof XdpUmemReg, value: number, reason: string) =>
    new XskUmemError({ field, value, errno: -Errno.EINVAL, reason })
  const unaligned = (reg.flags & XdpUmemFlag.UNALIGNED_CHUNK) !== 0
  if (reg.chunkSize < XDP_UMEM_MIN_CHUNK_SIZE || reg.chunkSize > PAGE_SIZE)
    return err("chunkSize", reg.chunkSize, `chunk_size must be in [${XDP_UMEM_MIN_CHUNK_SIZE}, ${PAGE_SIZE}]`)
  if ((reg.flags & ~XDP_UMEM_FLAGS_VALID) !== 0) return err("flags", reg.flags, "unknown XDP_UMEM_* flag")
  if (unaligned) return err("flags", reg.flags, "XDP_UMEM_UNALIGNED_CHUNK_FLAG is valid in the kernel but not modelled by devtx")
  if ((reg.chunkSize & (reg.chunkSize - 1)) !== 0) return err("chunkSize", reg.chunkSize, "chunk_size is not a power of two")
  const chunks = Math.floor(reg.len / reg.chunkSize)
  if (chunks === 0 || reg.len % reg.chunkSize !== 0) return err("len", reg.len, "len is not a whole, non-zero number of chunks")
  if (reg.headroom >= reg.chunkSize - XDP_PACKET_HEADROOM)
    return err("headroom", reg.headroom, `headroom must be below chunk_size - XDP_PACKET_HEADROOM (${reg.chunkSize - XDP_PACKET_HEADROOM})`)
  let txMetadataLen = 0
  if ((reg.flags & XdpUmemFlag.TX_METADATA_LEN) !== 0) {
    if (reg.txMetadataLen >= 256 || reg.txMetadataLen % 8 !== 0)
      return err("txMetadataLen", reg.txMetadataLen, "tx_metadata_len must be a multiple of 8 and below 256")
    txMetadataLen = reg.txMetadataLen
  }
  return {
    area: makeFrameArea({ frameCount: chunks, frameSize: reg.chunkSize }),
    chunkSize: reg.chunkSize,
    headroom: reg.headroom,
    flags: reg.flags,
    txMetadataLen,
    txSwCsum: (reg.flags & XdpUmemFlag.TX_SW_CSUM) !== 0,
    chunks
  }
}
