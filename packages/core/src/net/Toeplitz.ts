/**
 * The Toeplitz RSS hash (Microsoft "RSS Hashing Functions", NdisHashFunctionToeplitz; the same
 * function Linux NICs implement for `ethtool -X ... hfunc toeplitz`).
 *
 * Definition (bit-serial): result = 0; for each input bit b, left to right (MSB of input[0]
 * first): if b == 1, result ^= the left-most 32 bits of K; then shift K left by one bit.
 * K is the secret key as one big number, input[0]'s MSB lines up with K's MSB, and bits shifted
 * in from the right are zero. So input byte p, bit j (0 = MSB) XORs in the 32-bit window of K
 * that starts at key bit 8p+j, and windows running past the key's end are zero-filled.
 *
 * Contract:
 * - `toeplitzKey(key)` (configuration time) precomputes one 256-entry table of XORed windows
 *   per input byte position: table[p*256 + v] = XOR of window(8p+j) over the set bits j of v.
 *   Any key length is accepted; a 40-byte key (mlx5, the Microsoft key) hashes inputs up to
 *   36 bytes exactly (the IPv6 4-tuple), a 52-byte key (ice) up to 48 bytes.
 * - `toeplitzHash(k, input, offset, length)` (per packet): no allocation, no exceptions; one
 *   table lookup per input byte. Bytes at positions >= key length only meet zero key bits and
 *   contribute nothing (exactly what the bit-serial definition gives). Out-of-range reads are
 *   the caller's bug: an index past `input` reads `undefined`, which XORs as 0.
 * - The result is a u32 as a non-negative number (`>>> 0`).
 *
 * Input orders (RSS "Hashing Types"): IPv4: src addr(4) dst addr(4) [src port(2) dst port(2)];
 * IPv6: src addr(16) dst addr(16) [src port(2) dst port(2)]; all in network byte order, i.e.
 * exactly the bytes as they appear in the headers. RssInput.ts builds these.
 */

/**
 * The Microsoft verification key ("Verifying the RSS Hash Calculation",
 * windows-driver-docs-pr/network/verifying-the-rss-hash-calculation.md). It is also the
 * default key of several Linux drivers and of DPDK testpmd.
 */
export const MICROSOFT_RSS_KEY: Readonly<Uint8Array> = Uint8Array.of(
  0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
  0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
  0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
  0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
  0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa
)

/** A configured Toeplitz key: the key bytes and the per-byte-position lookup tables. */
export interface ToeplitzKey {
  /** A private copy of the key bytes. */
  readonly key: Uint8Array
  /** table[p * 256 + v]: what input byte value v at byte position p XORs into the hash. */
  readonly table: Uint32Array
  /** Input bytes that can meet key bits: equal to key.length. Later bytes add nothing. */
  readonly maxInputBytes: number
}

/** The 32 key bits starting at bit `bit` (bit 0 = MSB of key[0]); zero-filled past the end. */
const keyWindow = (key: Uint8Array, bit: number): number => {
  const byte = bit >>> 3
  const shift = bit & 7
  const at = (i: number): number => (i < key.length ? key[i]! : 0)
  const hi = ((at(byte) << 24) | (at(byte + 1) << 16) | (at(byte + 2) << 8) | at(byte + 3)) >>> 0
  if (shift === 0) return hi
  return ((hi << shift) | (at(byte + 4) >>> (8 - shift))) >>> 0
}

/** Configure a key (control plane: allocates the tables once). */
export const toeplitzKey = (key: Uint8Array = MICROSOFT_RSS_KEY): ToeplitzKey => {
  const copy = Uint8Array.from(key)
  const positions = copy.length
  const table = new Uint32Array(positions * 256)
  for (let p = 0; p < positions; p++) {
    const base = p * 256
    for (let v = 1; v < 256; v++) {
      // v with its lowest set bit cleared is already done; add that bit's window.
      const low = v & -v
      const j = 7 - (31 - Math.clz32(low)) // bit index counted from the MSB
      table[base + v] = (table[base + (v & (v - 1))]! ^ keyWindow(copy, p * 8 + j)) >>> 0
    }
  }
  return { key: copy, table, maxInputBytes: positions }
}

/** The default key (Microsoft verification key), configured once. */
export const DEFAULT_TOEPLITZ_KEY: ToeplitzKey = toeplitzKey(MICROSOFT_RSS_KEY)

/** Toeplitz hash of input[offset .. offset+length). Per packet: no allocation. */
export const toeplitzHash = (k: ToeplitzKey, input: Uint8Array, offset: number, length: number): number => {
  const table = k.table
  const n = Math.min(length, k.maxInputBytes)
  let h = 0
  for (let p = 0; p < n; p++) {
    h ^= table[(p << 8) | input[offset + p]!]!
  }
  return h >>> 0
}
