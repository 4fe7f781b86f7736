/**
 * @devtx/core net: the packet layer every NIC hardware model shares.
 *
 * Per-packet functions (no allocation, no exceptions, no effect, numeric results; offsets are
 * absolute indices into the Uint8Array unless stated otherwise):
 *
 * Toeplitz.ts
 *   MICROSOFT_RSS_KEY: Uint8Array(40)                 the Microsoft verification key
 *   toeplitzKey(key?: Uint8Array): ToeplitzKey        configure (precomputes per-byte tables)
 *   DEFAULT_TOEPLITZ_KEY: ToeplitzKey                 toeplitzKey(MICROSOFT_RSS_KEY)
 *   toeplitzHash(k, input, offset, length): number    u32 >= 0
 *
 * InternetChecksum.ts (RFC 1071; a "sum" is folded, not complemented, in [0, 0xffff])
 *   csumPartial(buf, off, len, initial = 0): number   raw sum (CHECKSUM_COMPLETE value)
 *   csumFold(sum) / csumAdd(a, b) / csumSub(a, b) / csumSwab16(v)
 *   csumBlockAdd(sum, blockSum, blockOffset)          add a block's sum (swapped if odd offset)
 *   csumFinish(sum): number                           ~sum & 0xffff (the header field value)
 *   csumFinishMangled(sum), CSUM_MANGLED_0             skb_checksum_help: a computed 0 stored as 0xffff
 *   ipv4HeaderChecksum(buf, l3Off, headerLen): number field value to store @10
 *   ipv4HeaderChecksumValid(buf, l3Off, headerLen): boolean
 *   pseudoHeaderSum(buf, addrOff, addrLen 8|32, proto, l4Len): number
 *   l4Checksum(buf, addrOff, addrLen 0|8|32, proto, l4Off, l4Len, fieldOff): number
 *   l4ChecksumValid(buf, addrOff, addrLen 0|8|32, proto, l4Off, l4Len): boolean
 *
 * Crc32c.ts (SCTP, RFC 3309 / RFC 4960 App. B; stored little-endian @8)
 *   crc32c(buf, off, len) / crc32cUpdate(crc, buf, off, len) / crc32cUpdateZeros(crc, n)
 *   sctpChecksum(buf, l4Off, l4Len) / sctpChecksumValid(...) / sctpStoredChecksum(buf, l4Off)
 *   sctpStoreChecksum(buf, l4Off, crc)
 *
 * FrameParser.ts
 *   new ParsedFrame()                                  preallocated output, plain number fields
 *   parseFrame(buf, off, len, out, options = ParseOption.VerifyAll): ParseStatus
 *   ParseStatus { Ok, Runt, TruncatedL2, TruncatedL3, MalformedL3, TruncatedL4, MalformedL4 }
 *   L3Kind, L4Kind, FragKind, CsumStatus, Ipv6ExtBit, ParseOption   (offsets in ParsedFrame
 *   are relative to the frame start, ParsedFrame.frameOffset)
 *
 * RssInput.ts (ethtool rx-flow-hash per flow type -> Toeplitz input + xdp_rss_hash_type)
 *   compileRssHashFields(cfg = DEFAULT_RSS_HASH_FIELDS): CompiledRssHashFields  (config time)
 *   new RssInput()                                     { bytes(36), length, hashType }
 *   buildRssInput(frame, buf, fields, out): number     input length (0 = no hash)
 *   rssHashFrame(frame, buf, fields, key, out): number hash (0 + TYPE_NONE when none)
 *
 * Test traffic (control plane; allocates):
 *   TrafficCorpus.ts  builtinCorpus(), generateCorpus({ seed, count, mix? }), CorpusFrame
 *                     { index, kind, spec, bytes, truth }, DEFAULT_CORPUS_MIX, CORPUS_KINDS
 *   FrameSpec.ts      the spec types; FrameBuilder.ts buildFrame(spec): Uint8Array;
 *   FrameTruth.ts     truthOf(spec): FrameTruth (from the spec alone, never from the bytes)
 *   SeededRandom.ts   xoshiro128** PRNG
 *   ProtocolNumbers.ts EtherType, EthSize, IpProto, Ipv4Frag, Ipv6Frag
 */
export * from "./Crc32c.js"
export * from "./FrameBuilder.js"
export * from "./FrameParser.js"
export type * from "./FrameSpec.js"
export * from "./FrameTruth.js"
export * from "./InternetChecksum.js"
export * from "./ProtocolNumbers.js"
export * from "./RssInput.js"
export * from "./SeededRandom.js"
export * from "./Toeplitz.js"
export * from "./TrafficCorpus.js"
