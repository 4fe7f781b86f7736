/**
 * An AF_XDP socket on the running kernel, through the helper (raw rings; libbpf 1.x has no
 * xsk.h). The TypeScript side writes UMEM bytes, produces TX / fill descriptors, kicks
 * (sendto: __xsk_generic_xmit in copy mode) and reads the completion / RX rings and
 * XDP_STATISTICS. UAPI values as of include/uapi/linux/if_xdp.h in 6.8+ (checked against the
 * running kernel in test/XskTxMetadata.test.ts):
 *
 *   struct xdp_umem_reg (32 bytes): addr u64 @0 | len u64 @8 | chunk_size u32 @16 |
 *                                   headroom u32 @20 | flags u32 @24 | tx_metadata_len u32 @28
 *   bind flags: XDP_COPY = 1 << 1, XDP_ZEROCOPY = 1 << 2
 */
import type { KernelSession } from "./KernelSession.js"

export const XDP_COPY = 1 << 1
export const XDP_ZEROCOPY = 1 << 2

export interface XskOpenOptions {
  /** netns path ("-": the helper's own) */
  readonly netnsPath: string
  readonly ifname: string
  readonly queue: number
  readonly bindFlags: number
  readonly umemFlags: number
  readonly txMetadataLen: number
  readonly frames: number
  readonly frameSize: number
  readonly ringSize: number
  /** xdp_umem_reg.headroom (default 0) */
  readonly umemHeadroom?: number
}

export interface XskState {
  readonly txProducer: number
  readonly txConsumer: number
  readonly compProducer: number
  readonly rxDropped: number
  readonly rxInvalidDescs: number
  readonly txInvalidDescs: number
}

export class KernelXsk {
  private constructor(
    private readonly s: KernelSession,
    readonly handle: number
  ) {}

  /**
   * Opens and binds. A queue whose previous socket was just closed stays busy until the kernel's
   * deferred pool release has run (net/xdp/xsk_buff_pool.c xp_release_deferred, a work item):
   * bind's -EBUSY is retried for up to 2 s.
   */
  static async open(s: KernelSession, o: XskOpenOptions): Promise<KernelXsk> {
    const deadline = Date.now() + 2000
    for (;;) {
      try {
        return await KernelXsk.openOnce(s, o)
      } catch (e) {
        if ((e as { errno?: number }).errno !== 16 || Date.now() > deadline) throw e
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }

  private static async openOnce(s: KernelSession, o: XskOpenOptions): Promise<KernelXsk> {
    const r = await s.request(
      "xsk_open",
      o.netnsPath,
      o.ifname,
      o.queue,
      o.bindFlags,
      o.umemFlags,
      o.txMetadataLen,
      o.frames,
      o.frameSize,
      o.ringSize,
      o.umemHeadroom ?? 0
    )
    return new KernelXsk(s, r["xsk"] as number)
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    await this.s.request("xsk_write", this.handle, offset, Buffer.from(bytes).toString("hex"))
  }

  async read(offset: number, len: number): Promise<Uint8Array> {
    const r = await this.s.request("xsk_read", this.handle, offset, len)
    return new Uint8Array(Buffer.from(String(r["bytes"]), "hex"))
  }

  async tx(addr: number, len: number, options: number): Promise<void> {
    await this.s.request("xsk_tx", this.handle, addr, len, options)
  }

  /** sendto(MSG_DONTWAIT): 0 or the errno it failed with */
  async kick(): Promise<number> {
    const r = await this.s.request("xsk_kick", this.handle)
    return r["errno"] as number
  }

  async fill(addrs: ReadonlyArray<number>): Promise<void> {
    await this.s.request("xsk_fill", this.handle, ...addrs)
  }

  async completions(): Promise<number[]> {
    return (await this.s.request("xsk_comp", this.handle))["addrs"] as number[]
  }

  async rx(): Promise<Array<{ addr: number; len: number; options: number }>> {
    return (await this.s.request("xsk_rx", this.handle))["descs"] as Array<{ addr: number; len: number; options: number }>
  }

  async state(): Promise<XskState> {
    const r = await this.s.request("xsk_state", this.handle)
    return {
      txProducer: r["tx_producer"] as number,
      txConsumer: r["tx_consumer"] as number,
      compProducer: r["comp_producer"] as number,
      rxDropped: r["rx_dropped"] as number,
      rxInvalidDescs: r["rx_invalid_descs"] as number,
      txInvalidDescs: r["tx_invalid_descs"] as number
    }
  }

  /** The socket's fd into OBJ's XSKMAP `map` at `key`. */
  async intoMap(obj: number, map: string, key: number): Promise<void> {
    await this.s.request("xskmap_set", obj, map, key, this.handle)
  }

  async close(): Promise<void> {
    await this.s.request("xsk_close", this.handle)
  }
}
