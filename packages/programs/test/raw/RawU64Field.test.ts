/**
 * 64-bit fields in the raw design (core raw/RawDecl.ts "u64"/"be64", raw/datapath/RawAccessor.ts):
 * plain 8-byte words, CO-RE bitfields in a u64 container (libbpf's FIELD_LSHIFT_U64 /
 * FIELD_RSHIFT_U64 turned into "which half, what shift" at load), program-side sub-fields of a
 * relocated word (rawSubfield), all as u32 halves. Checked against hand-computed bytes and, as a
 * property, against a BigInt reference computed here (DataView.getBigUint64 + shifts): the
 * reference is the only BigInt code, the accessors have none.
 */
import { BtfBuilder } from "@devtx/bpf"
import { type DriverBtf, type RawFieldTable, type RawStructDecl, rawSubfield, relocateRawProgram } from "@devtx/core"
import { Effect, Exit, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

/** A standalone target BTF as a DriverBtf (the relocator reads only `split`). */
const target = (build: (b: BtfBuilder) => void): DriverBtf => {
  const b = new BtfBuilder()
  build(b)
  const r = b.build()
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  const { btf, bytes } = r.success
  return { base: btf, baseBytes: bytes, split: btf, splitBytes: bytes, structs: { rxDesc: "t", xdpBuff: "t", descMember: "x" } }
}

const relocate = (structs: ReadonlyArray<RawStructDecl>, t: DriverBtf): Promise<RawFieldTable> =>
  Effect.runPromise(relocateRawProgram({ program: "u64_test", structs, target: t, driver: "test" }))

/**
 * struct qw_desc { u64 buf_addr; u64 dtype:4, cmd:12, offset:18, bsz:14, tag:16; } — ice's data
 * descriptor as if its BTF had bitfields (bits 3:0, 15:4, 33:16, 47:34, 63:48).
 */
const qwDesc = target((b) => {
  const u64 = b.addInt("long long unsigned int", 8)
  b.addStruct("qw_desc", 16, [
    { name: "buf_addr", type: u64, bitOffset: 0 },
    { name: "dtype", type: u64, bitOffset: 64, bitfieldSize: 4 },
    { name: "cmd", type: u64, bitOffset: 68, bitfieldSize: 12 },
    { name: "offset", type: u64, bitOffset: 80, bitfieldSize: 18 },
    { name: "bsz", type: u64, bitOffset: 98, bitfieldSize: 14 },
    { name: "tag", type: u64, bitOffset: 112, bitfieldSize: 16 }
  ])
})
const qwDecl: RawStructDecl = {
  name: "qw_desc___local",
  fields: [
    { name: "buf_addr", type: "u64" },
    { name: "dtype", type: "u64", bits: 4 },
    { name: "cmd", type: "u64", bits: 12 },
    { name: "offset", type: "u64", bits: 18 },
    { name: "bsz", type: "u64", bits: 14 },
    { name: "tag", type: "u64", bits: 16 }
  ]
}

// qword 1 = 0x0123456789abcdef (little-endian bytes ef cd ab 89 67 45 23 01), buf_addr = 0xfedcba9876543210
const sample = (): DataView => {
  const v = new DataView(new ArrayBuffer(24))
  new Uint8Array(v.buffer).set([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01], 4)
  return v
}

describe("u64 fields: hand-computed", () => {
  it("plain u64: halves read and written in little-endian order", async () => {
    const F = (await relocate([qwDecl], qwDesc)).qw_desc!
    const v = sample()
    expect([F.buf_addr!.byteOffset, F.buf_addr!.byteSize]).toEqual([0, 8])
    expect([F.buf_addr!.readHi(v, 4), F.buf_addr!.read(v, 4)]).toEqual([0xfedcba98, 0x76543210])
    F.buf_addr!.write64(v, 4, 0x00000002, 0x80001000)
    expect([...new Uint8Array(v.buffer, 4, 8)]).toEqual([0x00, 0x10, 0x00, 0x80, 0x02, 0x00, 0x00, 0x00])
    F.buf_addr!.write(v, 4, 0xdeadbeef)
    expect([...new Uint8Array(v.buffer, 4, 8)]).toEqual([0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0])
  })

  it("bitfields of a u64 container: inside the low half, straddling bit 32, inside the high half", async () => {
    const F = (await relocate([qwDecl], qwDesc)).qw_desc!
    const v = sample()
    // 0x0123456789abcdef: bits 3:0 = 0xf; 15:4 = 0xcde; 33:16 = (0x67 & 3) << 16 | 0x89ab = 0x389ab;
    // 47:34 = 0x01234567 >> 2 & 0x3fff = 0x1159; 63:48 = 0x0123
    expect(["dtype", "cmd", "offset", "bsz", "tag"].map((n) => F[n]!.read(v, 4))).toEqual([0xf, 0xcde, 0x389ab, 0x1159, 0x0123])
    expect(["dtype", "cmd", "offset", "bsz", "tag"].map((n) => F[n]!.readHi(v, 4))).toEqual([0, 0, 0, 0, 0])
    expect(["dtype", "cmd", "offset", "bsz", "tag"].map((n) => [F[n]!.byteOffset, F[n]!.byteSize, F[n]!.bitOffset, F[n]!.bitWidth])).toEqual([
      [8, 8, 0, 4],
      [8, 8, 4, 12],
      [8, 8, 16, 18],
      [8, 8, 34, 14],
      [8, 8, 48, 16]
    ])
    // offset := 0x2a5a5: bits 33:16 cleared (hi 0x01234567 -> 0x01234564, lo 0x89abcdef -> 0x0000cdef), then
    // | 0x2a5a5 << 16 = 0x2_a5a5_0000: hi 0x01234566, lo 0xa5a5cdef
    F.offset!.write(v, 4, 0x2a5a5)
    expect([...new Uint8Array(v.buffer, 12, 8)]).toEqual([0xef, 0xcd, 0xa5, 0xa5, 0x66, 0x45, 0x23, 0x01])
    // cmd := 0x001 (low half only): bits 15:4 -> 0xcdef becomes 0x001f
    F.cmd!.write(v, 4, 0x001)
    expect([...new Uint8Array(v.buffer, 12, 4)]).toEqual([0x1f, 0x00, 0xa5, 0xa5])
    // tag := 0xbeef (high half only)
    F.tag!.write(v, 4, 0xbeef)
    expect([...new Uint8Array(v.buffer, 16, 4)]).toEqual([0x66, 0x45, 0xef, 0xbe])
    // the neighbours kept their values
    expect([F.dtype!.read(v, 4), F.bsz!.read(v, 4), F.offset!.read(v, 4)]).toEqual([0xf, 0x1159, 0x2a5a5])
  })

  it("a bitfield wider than 32 bits reads and writes as two halves", async () => {
    const t = target((b) => {
      const u64 = b.addInt("long long unsigned int", 8)
      b.addStruct("wide", 8, [
        { name: "x", type: u64, bitOffset: 0, bitfieldSize: 3 },
        { name: "y", type: u64, bitOffset: 3, bitfieldSize: 40 },
        { name: "z", type: u64, bitOffset: 43, bitfieldSize: 21 }
      ])
    })
    const F = (
      await relocate(
        [
          {
            name: "wide",
            fields: [
              { name: "x", type: "u64", bits: 3 },
              { name: "y", type: "u64", bits: 40 },
              { name: "z", type: "u64", bits: 21 }
            ]
          }
        ],
        t
      )
    ).wide!
    const v = new DataView(new ArrayBuffer(8))
    v.setUint32(0, 0xffffffff, true)
    v.setUint32(4, 0xffffffff, true)
    // y := 0x12_3456_789a: word = ones except bits 42:3 = y: lo = (0x3456789a << 3) | 7 = 0xa2b3c4d7, hi = 0xffff_f800 | (0x12 << 3 | 0x3456789a >>> 29) = 0xfffff891
    F.y!.write64(v, 0, 0x12, 0x3456789a)
    expect([v.getUint32(0, true), v.getUint32(4, true)]).toEqual([0xa2b3c4d7, 0xfffff891])
    expect([F.y!.readHi(v, 0), F.y!.read(v, 0), F.x!.read(v, 0), F.z!.read(v, 0)]).toEqual([0x12, 0x3456789a, 7, 0x1fffff])
  })

  it("be64: the halves in big-endian order; bit numbers count in the host-order value", async () => {
    const t = target((b) => {
      const u64 = b.addInt("long long unsigned int", 8)
      b.addStruct("bed", 16, [
        { name: "w", type: u64, bitOffset: 0 },
        { name: "f", type: u64, bitOffset: 64 + 28, bitfieldSize: 8 }
      ])
    })
    const F = (
      await relocate(
        [
          {
            name: "bed",
            fields: [
              { name: "w", type: "be64" },
              { name: "f", type: "be64", bits: 8 }
            ]
          }
        ],
        t
      )
    ).bed!
    const v = new DataView(new ArrayBuffer(16))
    new Uint8Array(v.buffer).set([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef])
    expect([F.w!.readHi(v, 0), F.w!.read(v, 0)]).toEqual([0x01234567, 0x89abcdef])
    // be64_to_cpu = 0x0123456789abcdef; bits 35:28 = 0x78
    expect(F.f!.read(v, 0)).toBe(0x78)
    F.f!.write(v, 0, 0xa5)
    // bits 35:28 of 0x01234567_89abcdef := 0xa5: hi 0x01234567 -> 0x0123456a (bits 3:0 = 0xa), lo 0x89abcdef -> 0x59abcdef (bits 31:28 = 0x5)
    expect([...new Uint8Array(v.buffer, 8, 8)]).toEqual([0x01, 0x23, 0x45, 0x6a, 0x59, 0xab, 0xcd, 0xef])
  })

  it("a u64 declaration against a 4-byte target field loads 4 bytes (hi 0); a u32 declaration of an 8-byte field fails the load", async () => {
    const t = target((b) => {
      const u32 = b.addInt("unsigned int", 4)
      const u64 = b.addInt("long long unsigned int", 8)
      b.addStruct("mix", 16, [
        { name: "small", type: u32, bitOffset: 0 },
        { name: "big", type: u64, bitOffset: 64 }
      ])
    })
    const F = (await relocate([{ name: "mix", fields: [{ name: "small", type: "u64" }] }], t)).mix!
    expect([F.small!.byteSize, F.small!.bitWidth]).toEqual([4, 32])
    const v = new DataView(new ArrayBuffer(16))
    v.setUint32(0, 0xcafef00d, true)
    v.setUint32(4, 0x11111111, true)
    expect([F.small!.readHi(v, 0), F.small!.read(v, 0)]).toEqual([0, 0xcafef00d])
    const exit = await Effect.runPromiseExit(
      relocateRawProgram({ program: "u64_test", structs: [{ name: "mix", fields: [{ name: "big", type: "u32" }] }], target: t, driver: "test" })
    )
    expect(exit).toMatchObject(Exit.fail({ _tag: "RawLoadError", field: "big", localType: "mix" }))
    expect(JSON.stringify(exit)).toContain("wrong type size: target field is 8 bytes, declared u32")
  })

  it("a fixed-offset (at/atBit) u64 bitfield is checked against the target", async () => {
    const ok = await Effect.runPromiseExit(
      relocateRawProgram({
        program: "fixed",
        structs: [{ name: "qw_desc", fields: [{ name: "offset", type: "u64", bits: 18, at: 8, atBit: 16 }] }],
        target: qwDesc,
        driver: "test"
      })
    )
    expect(Exit.isSuccess(ok)).toBe(true)
    const bad = await Effect.runPromiseExit(
      relocateRawProgram({
        program: "fixed",
        structs: [{ name: "qw_desc", fields: [{ name: "offset", type: "u64", bits: 18, at: 8, atBit: 14 }] }],
        target: qwDesc,
        driver: "test"
      })
    )
    expect(JSON.stringify(bad)).toContain("compiled with offset at byte 8 bit 14; the target has it at byte 8 bit 16")
  })

  it("rawSubfield: program-side bits of a relocated plain word; out-of-range is refused at build time", async () => {
    const F = (await relocate([qwDecl], qwDesc)).qw_desc!
    const v = sample()
    // bits 33:16 of buf_addr's word 0xfedcba98_76543210: (0x98 & 3) << 16 | 0x7654 = 0x07654
    const sub = rawSubfield(F.buf_addr!, 16, 18)
    expect(sub.read(v, 4)).toBe(0x07654)
    expect(() => rawSubfield(F.buf_addr!, 40, 30)).toThrow(RangeError)
    expect(() => rawSubfield(F.cmd!, 4, 12)).toThrow(RangeError)
    // a sub-field of a bitfield is relative to the bitfield: bits 7:4 of cmd = word bits 11:8
    expect(rawSubfield(F.cmd!, 4, 4).read(v, 4)).toBe(0xd)
  })
})

describe("u64 fields: property against a BigInt reference", () => {
  const u64At = (v: DataView, off: number, be: boolean): bigint => v.getBigUint64(off, !be)

  it("CO-RE bitfield in a u64/be64 container: read/readHi and write64 equal (word >> s) & m and the masked merge", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 63 }).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 1, max: Math.min(63, 64 - s) }))),
        fc.boolean(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        async ([s, w], be, bytes, raw) => {
          const t = target((b) => {
            const u64 = b.addInt("long long unsigned int", 8)
            b.addStruct("p", 16, [
              { name: "pad", type: u64, bitOffset: 0 },
              { name: "f", type: u64, bitOffset: 64 + s, bitfieldSize: w }
            ])
          })
          const F = (await relocate([{ name: "p", fields: [{ name: "f", type: be ? "be64" : "u64", bits: w }] }], t)).p!.f!
          const v = new DataView(new Uint8Array(bytes).buffer)
          const mask = (1n << BigInt(w)) - 1n
          const ref = (u64At(v, 8, be) >> BigInt(s)) & mask
          expect([F.readHi(v, 0), F.read(v, 0)]).toEqual([Number(ref >> 32n), Number(ref & 0xffffffffn)])
          const x = raw & mask
          const want = (u64At(v, 8, be) & ~(mask << BigInt(s)) & ((1n << 64n) - 1n)) | (x << BigInt(s))
          F.write64(v, 0, Number(x >> 32n), Number(x & 0xffffffffn))
          expect(u64At(v, 8, be)).toBe(want)
          expect([...new Uint8Array(v.buffer, 0, 8)]).toEqual([...bytes.subarray(0, 8)])
          expect([F.readHi(v, 0), F.read(v, 0)]).toEqual([Number(x >> 32n), Number(x & 0xffffffffn)])
        }
      ),
      { numRuns: 300 }
    )
  })

  it("rawSubfield of a plain u64/be64 field: same reference", async () => {
    const t = target((b) => {
      const u64 = b.addInt("long long unsigned int", 8)
      b.addStruct("q", 16, [
        { name: "a", type: u64, bitOffset: 0 },
        { name: "w", type: u64, bitOffset: 64 }
      ])
    })
    const tables = { le: await relocate([{ name: "q", fields: [{ name: "w", type: "u64" }] }], t), be: await relocate([{ name: "q", fields: [{ name: "w", type: "be64" }] }], t) }
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 1, max: Math.min(32, 64 - s) }))),
        fc.boolean(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        ([s, w], be, bytes, raw) => {
          const sub = rawSubfield((be ? tables.be : tables.le).q!.w!, s, w)
          const v = new DataView(new Uint8Array(bytes).buffer)
          const mask = (1n << BigInt(w)) - 1n
          expect(sub.read(v, 0)).toBe(Number((u64At(v, 8, be) >> BigInt(s)) & mask))
          const x = BigInt(raw) & mask
          const want = (u64At(v, 8, be) & ~(mask << BigInt(s)) & ((1n << 64n) - 1n)) | (x << BigInt(s))
          sub.write(v, 0, raw)
          expect(u64At(v, 8, be)).toBe(want)
          expect([...new Uint8Array(v.buffer, 0, 8)]).toEqual([...bytes.subarray(0, 8)])
        }
      ),
      { numRuns: 500 }
    )
  })
})
