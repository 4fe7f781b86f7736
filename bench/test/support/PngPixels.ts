/**
 * Test support: decode a non-interlaced 8-bit RGB / RGBA PNG (what headless Chromium's
 * --screenshot writes) into RGBA pixels, with node's zlib — enough to count the pixels of a colour
 * in a screenshot. Other PNG variants are a thrown error naming what the file has.
 */
import { inflateSync } from "node:zlib"

export interface Pixels {
  readonly width: number
  readonly height: number
  /** RGBA, row-major */
  readonly rgba: Uint8Array
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

export const decodePng = (png: Uint8Array): Pixels => {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength)
  const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (!SIG.every((b, i) => png[i] === b)) throw new Error("not a PNG (signature)")
  let off = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Uint8Array[] = []
  while (off + 8 <= png.length) {
    const len = v.getUint32(off)
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8))
    const data = png.subarray(off + 8, off + 8 + len)
    if (type === "IHDR") {
      width = v.getUint32(off + 8)
      height = v.getUint32(off + 12)
      const depth = data[8]
      const color = data[9]
      const interlace = data[12]
      if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${color}, interlace ${interlace}`)
      channels = color === 6 ? 4 : 3
    } else if (type === "IDAT") idat.push(data)
    else if (type === "IEND") break
    off += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const out = new Uint8Array(width * height * 4)
  const prev = new Uint8Array(stride)
  const cur = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0
      const b = prev[i]!
      const c = i >= channels ? prev[i - channels]! : 0
      const x = line[i]!
      cur[i] = (f === 0 ? x : f === 1 ? x + a : f === 2 ? x + b : f === 3 ? x + ((a + b) >> 1) : x + paeth(a, b, c)) & 0xff
    }
    for (let px = 0; px < width; px++) {
      const o = (y * width + px) * 4
      out[o] = cur[px * channels]!
      out[o + 1] = cur[px * channels + 1]!
      out[o + 2] = cur[px * channels + 2]!
      out[o + 3] = channels === 4 ? cur[px * channels + 3]! : 255
    }
    prev.set(cur)
  }
  return { width, height, rgba: out }
}

/** Pixels within `tolerance` per channel of the colour "#rrggbb". */
export const countColour = (p: Pixels, hex: string, tolerance = 6): number => {
  const r = Number.parseInt(hex.slice(1, 3), 16)
  const g = Number.parseInt(hex.slice(3, 5), 16)
  const b = Number.parseInt(hex.slice(5, 7), 16)
  let n = 0
  for (let i = 0; i < p.rgba.length; i += 4)
    if (Math.abs(p.rgba[i]! - r) <= tolerance && Math.abs(p.rgba[i + 1]! - g) <= tolerance && Math.abs(p.rgba[i + 2]! - b) <= tolerance) n++
  return n
}
