/**
 * Replaying what the hardware model wrote, so a timed iteration always starts from the same
 * filled rings without running the hardware model again (which costs 20-60x the driver's poll).
 *
 * `captureDeviceState` walks the device object graph once, right after the hardware model filled
 * the rings, and records (a) every numeric / boolean own property of every reachable object
 * (ring indices, hwHead, CQ consumer counters, PHC halves, cached PHC time, stats) and (b) a copy
 * of every reachable ArrayBuffer below `maxBufferBytes` (descriptor rings, CQs, WQs). Large
 * buffers — the frame memory the hardware DMA'd packets into — are not copied: the poll loop and
 * the probe programs never write packet bytes. `restore` writes all of it back: the device is then
 * byte-for-byte in the state the hardware model left it in (descriptors, ownership bits, indices).
 *
 * Contract: the walk does not enter functions (closures), the attached program (`xdpProg`), the
 * stack sink or the devtx hooks; a driver keeping ring state only inside a closure would escape
 * it — which is why every benchmark group checks, before timing, that a replayed batch produces
 * exactly the same per-packet outputs as the batch the hardware model filled. Nor does it enter
 * the device's `kernelMemory` (core driver/KernelMemory.ts): the xdp_buff wrappers there are
 * filled per packet from the descriptor before a program reads them, and its `ptrHi` is written
 * when a VM program is loaded (after the capture) — restoring it would unmap the VM's kernel
 * regions.
 */
const SKIP_KEYS = new Set(["xdpProg", "stack", "devtx", "wire", "skbCompletion", "config", "spec", "kernelMemory"])

interface ScalarSlot {
  readonly obj: Record<string, unknown>
  readonly key: string
  readonly value: number | boolean
}

export interface DeviceState {
  readonly scalars: ReadonlyArray<ScalarSlot>
  readonly buffers: ReadonlyArray<{ readonly live: Uint8Array; readonly saved: Uint8Array }>
  readonly bufferBytes: number
}

export const captureDeviceState = (root: object, maxBufferBytes = 4 * 1024 * 1024): DeviceState => {
  const seen = new Set<unknown>()
  const seenBuf = new Set<ArrayBufferLike>()
  const scalars: ScalarSlot[] = []
  const buffers: { live: Uint8Array; saved: Uint8Array }[] = []
  let bufferBytes = 0
  const addBuffer = (b: ArrayBufferLike): void => {
    if (seenBuf.has(b)) return
    seenBuf.add(b)
    if (b.byteLength > maxBufferBytes) return
    const live = new Uint8Array(b)
    buffers.push({ live, saved: live.slice() })
    bufferBytes += b.byteLength
  }
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const o = stack.pop()
    if (o === null || typeof o !== "object" || seen.has(o)) continue
    seen.add(o)
    if (ArrayBuffer.isView(o)) {
      addBuffer(o.buffer)
      continue
    }
    if (o instanceof ArrayBuffer) {
      addBuffer(o)
      continue
    }
    if (Array.isArray(o)) {
      for (const e of o) stack.push(e)
      continue
    }
    const rec = o as Record<string, unknown>
    for (const key of Object.keys(rec)) {
      if (SKIP_KEYS.has(key)) continue
      const v = rec[key]
      if (typeof v === "number" || typeof v === "boolean") scalars.push({ obj: rec, key, value: v })
      else if (typeof v === "object" && v !== null) stack.push(v)
    }
  }
  return { scalars, buffers, bufferBytes }
}

/** Put the device back in the captured state (outside the timed region). */
export const restoreDeviceState = (s: DeviceState): void => {
  for (const b of s.buffers) b.live.set(b.saved)
  for (const x of s.scalars) x.obj[x.key] = x.value
}
