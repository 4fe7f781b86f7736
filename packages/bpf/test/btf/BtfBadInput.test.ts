/**
 * Malformed BTF gets the specific typed error (never a throw): header problems, string
 * section problems, bad records, dangling ids, reference loops. Blobs are crafted word by word
 * so each case breaks exactly one rule; messages mirror the kernel / libbpf wording.
 */
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import type { BtfError } from "../../src/btf/BtfErrors.js"
import type { Btf } from "../../src/btf/BtfType.js"
import { BtfKind } from "../../src/btf/BtfType.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { makeInfo } from "../../src/btf/BtfWire.js"
import { decodeOrThrow, fixtureBytes } from "./btfTestTools.js"

interface Craft {
  readonly words: ReadonlyArray<number>
  /** string section text; NULs separate strings */
  readonly strs?: string
  readonly le?: boolean
  readonly hdrLen?: number
  /** extra header bytes after the 24 classic ones (only with hdrLen > 24) */
  readonly extraHeader?: ReadonlyArray<number>
}

/** A blob: header, the given u32 words as the type section, the strings. */
const craft = ({ words, strs = "\0int\0foo\0bar\0", le = true, hdrLen = 24, extraHeader = [] }: Craft): Uint8Array => {
  const s = new TextEncoder().encode(strs)
  const typeLen = words.length * 4
  const out = new Uint8Array(hdrLen + typeLen + s.length)
  const dv = new DataView(out.buffer)
  dv.setUint16(0, 0xeb9f, le)
  dv.setUint8(2, 1)
  dv.setUint32(4, hdrLen, le)
  dv.setUint32(8, 0, le)
  dv.setUint32(12, typeLen, le)
  dv.setUint32(16, typeLen, le)
  dv.setUint32(20, s.length, le)
  extraHeader.forEach((w, i) => dv.setUint32(24 + i * 4, w, le))
  words.forEach((w, i) => dv.setUint32(hdrLen + i * 4, w >>> 0, le))
  out.set(s, hdrLen + typeLen)
  return out
}
const INT = (nameOff = 1) => [nameOff, makeInfo(BtfKind.Int, 0, false), 4, 32 | (1 << 24)]
const ref = (kind: number, type: number, nameOff = 0) => [nameOff, makeInfo(kind, 0, false), type]
const struct = (nameOff: number, size: number, members: ReadonlyArray<readonly [number, number, number]>) => [
  nameOff,
  makeInfo(BtfKind.Struct, members.length, false),
  size,
  ...members.flat()
]

const fail = (bytes: Uint8Array, base?: Btf): BtfError => {
  const r = decodeBtf(bytes, base === undefined ? {} : { base })
  if (Result.isSuccess(r)) throw new Error("expected a decode failure")
  return r.failure
}
const ok = (bytes: Uint8Array, base?: Btf): Btf => {
  const r = decodeBtf(bytes, base === undefined ? {} : { base })
  if (Result.isFailure(r)) throw new Error(`unexpected failure: ${r.failure.message}`)
  return r.success
}
const patch32 = (bytes: Uint8Array, off: number, v: number, le = true): Uint8Array => {
  const c = bytes.slice()
  new DataView(c.buffer).setUint32(off, v, le)
  return c
}

describe("header", () => {
  const good = craft({ words: INT() })
  test("the crafted baseline decodes", () => {
    expect(ok(good).types).toHaveLength(1)
  })
  test("truncated headers", () => {
    for (const n of [0, 1, 4, 23]) {
      const e = fail(good.subarray(0, n))
      expect(e._tag).toBe("BtfHeaderError")
      expect(e.message).toContain("BTF header not found")
    }
  })
  test("wrong magic", () => {
    const e = fail(patch32(good, 0, 0x0001eb9e))
    expect(e).toMatchObject({
      _tag: "BtfHeaderError",
      reason: "Invalid magic",
      offset: 0
    })
  })
  test("byte-swapped magic = big-endian blob", () => {
    const be = ok(craft({ words: INT(), le: false }))
    expect(be.littleEndian).toBe(false)
    expect(be.types).toEqual(ok(good).types)
  })
  test("version and flags", () => {
    const v = good.slice()
    v[2] = 2
    expect(fail(v)).toMatchObject({
      _tag: "BtfHeaderError",
      reason: "Unsupported version",
      value: 2
    })
    const f = good.slice()
    f[3] = 1
    expect(fail(f)).toMatchObject({
      _tag: "BtfHeaderError",
      reason: "Unsupported flags",
      value: 1
    })
  })
  test("hdr_len too small or past the end", () => {
    expect(fail(patch32(good, 4, 16))).toMatchObject({
      _tag: "BtfHeaderError",
      offset: 4,
      value: 16
    })
    const e = fail(patch32(good, 4, 10_000))
    expect(e).toMatchObject({
      _tag: "BtfHeaderError",
      offset: 4,
      value: 10_000
    })
    expect(e.message).toContain("larger than data size")
  })
  test("sections out of bounds, overlapping, misaligned", () => {
    expect(fail(patch32(good, 20, 1000)).message).toContain("Invalid BTF total size")
    expect(fail(patch32(good, 12, 20)).message).toContain("Invalid BTF data sections layout")
    const mis = craft({ words: [0, ...INT()] })
    const shifted = patch32(patch32(mis, 8, 2), 12, 16)
    expect(fail(shifted)).toMatchObject({
      _tag: "BtfHeaderError",
      reason: "BTF type section is not aligned to 4 bytes",
      value: 2
    })
  })
  test("2026 32-byte header: layout fields accepted and bounds-checked; unknown extra bytes accepted (libbpf HEAD)", () => {
    expect(ok(craft({ words: INT(), hdrLen: 32, extraHeader: [0, 0] })).types).toHaveLength(1)
    expect(ok(craft({ words: INT(), hdrLen: 40, extraHeader: [0, 0, 7, 9] })).types).toHaveLength(1)
    const e = fail(craft({ words: INT(), hdrLen: 32, extraHeader: [4, 8] }))
    expect(e._tag).toBe("BtfHeaderError")
    expect(e.message).toContain("layout")
  })
})

describe("string section", () => {
  test("split BTF without its base: libbpf's hint", () => {
    const e = fail(fixtureBytes("split.btf"))
    expect(e).toMatchObject({ _tag: "BtfStringError" })
    expect(e.message).toContain("did you forget to provide base BTF?")
    expect(ok(fixtureBytes("split.btf"), decodeOrThrow(fixtureBytes("base.btf"))).startId).toBeGreaterThan(1)
  })
  test("empty or unterminated section", () => {
    expect(fail(craft({ words: [], strs: "" }))).toMatchObject({
      _tag: "BtfStringError",
      reason: "Invalid BTF string section"
    })
    expect(fail(craft({ words: INT(), strs: "\0int" }))).toMatchObject({
      _tag: "BtfStringError",
      reason: "Invalid BTF string section"
    })
  })
  test("string offset past the end of the section", () => {
    const e = fail(craft({ words: INT(478) }))
    expect(e).toMatchObject({ _tag: "BtfStringError", value: 478 })
    expect(e.message).toContain("[1] INT Invalid name_offset:478")
    const m = fail(craft({ words: [...INT(), ...struct(5, 4, [[999, 1, 0]])] }))
    expect(m).toMatchObject({ _tag: "BtfStringError", value: 999 })
  })
})

describe("type records", () => {
  test("unknown kind", () => {
    const e = fail(craft({ words: [0, makeInfo(20, 0, false), 0] }))
    expect(e).toMatchObject({ _tag: "BtfTypeError", typeId: 1, value: 20 })
    expect(e.message).toContain("Invalid kind:20")
    expect(fail(craft({ words: [0, 0, 0] }))).toMatchObject({
      _tag: "BtfTypeError",
      reason: "Invalid kind:0"
    })
  })
  test("huge vlen: the record does not fit in the section", () => {
    const e = fail(
      craft({
        words: [5, makeInfo(BtfKind.Struct, 0xffffff, false), 4, 0, 0, 0]
      })
    )
    expect(e).toMatchObject({
      _tag: "BtfTypeError",
      typeId: 1,
      kind: "STRUCT",
      value: 0xffffff
    })
    expect(e.message).toContain("meta_left:24 meta_needed:201326592")
  })
  test("truncated record at the end of the type section", () => {
    expect(fail(craft({ words: [...INT(), 0, 0] }))).toMatchObject({
      _tag: "BtfTypeError",
      typeId: 2,
      reason: "meta_left:8 meta_needed:12"
    })
  })
  test("kind-specific rules (kernel check_meta)", () => {
    expect(fail(craft({ words: [1, makeInfo(BtfKind.Int, 1, false), 4, 32] })).message).toContain("vlen != 0")
    expect(fail(craft({ words: [1, makeInfo(BtfKind.Int, 0, false), 2, 32] })).message).toContain(
      "nr_bits exceeds type_size"
    )
    expect(fail(craft({ words: [...INT(), ...ref(BtfKind.Ptr, 1, 5)] })).message).toContain("[2] PTR foo Invalid name")
    expect(fail(craft({ words: [...INT(), 0, makeInfo(BtfKind.Typedef, 0, false), 1] })).message).toContain(
      "Invalid name"
    )
    expect(fail(craft({ words: [...INT(), 1, makeInfo(BtfKind.Enum, 0, false), 3] })).message).toContain(
      "Unexpected size"
    )
    expect(fail(craft({ words: [...INT(), ...struct(0, 2, [[5, 1, 64]])] })).message).toContain(
      "Member bits_offset exceeds its struct size"
    )
    expect(fail(craft({ words: [...INT(), 5, makeInfo(BtfKind.Func, 3, false), 0] })).message).toContain(
      "Invalid func linkage"
    )
  })
  test("invalid identifiers are rejected where the kernel requires them", () => {
    const e = fail(
      craft({
        words: [...INT(), 5, makeInfo(BtfKind.Typedef, 0, false), 1],
        strs: "\0int\0a-b\0"
      })
    )
    expect(e).toMatchObject({
      _tag: "BtfTypeError",
      typeId: 2,
      reason: "Invalid name"
    })
  })
})

describe("references", () => {
  test("type id past the end: the kernel's message", () => {
    const words = [
      ...INT(),
      ...Array.from({ length: 23 }, () => ref(BtfKind.Const, 1)).flat(),
      ...ref(BtfKind.Ptr, 999)
    ]
    const e = fail(craft({ words }))
    expect(e).toMatchObject({
      _tag: "BtfReferenceError",
      typeId: 25,
      value: 999
    })
    expect(e.message).toBe("[25] PTR (anon) type_id=999 Invalid type_id")
  })
  test("member, array and proto references past the end", () => {
    expect(fail(craft({ words: [...INT(), ...struct(5, 4, [[9, 7, 0]])] }))).toMatchObject({
      _tag: "BtfReferenceError",
      value: 7
    })
    expect(
      fail(
        craft({
          words: [...INT(), 0, makeInfo(BtfKind.Array, 0, false), 0, 1, 9, 4]
        })
      )
    ).toMatchObject({ _tag: "BtfReferenceError", value: 9 })
    expect(
      fail(
        craft({
          words: [...INT(), 0, makeInfo(BtfKind.FuncProto, 1, false), 1, 0, 42]
        })
      )
    ).toMatchObject({ _tag: "BtfReferenceError", value: 42 })
  })
  test("split BTF: references into the base are fine, past the split end are not", () => {
    const base = decodeOrThrow(fixtureBytes("base.btf"))
    const start = base.typeCount
    expect(ok(craft({ words: ref(BtfKind.Ptr, 1), strs: "" }), base).startId).toBe(start)
    expect(fail(craft({ words: ref(BtfKind.Ptr, start + 1), strs: "" }), base)).toMatchObject({
      _tag: "BtfReferenceError",
      value: start + 1
    })
  })
  test("a PTR to a FUNC, a VAR as a member: kinds that cannot be referenced there", () => {
    const proto = [0, makeInfo(BtfKind.FuncProto, 0, false), 1]
    const func = [5, makeInfo(BtfKind.Func, 0, false), 2]
    expect(fail(craft({ words: [...INT(), ...proto, ...func, ...ref(BtfKind.Ptr, 3)] }))).toMatchObject({
      _tag: "BtfReferenceError",
      typeId: 4,
      reason: "Invalid type_id"
    })
    const v = [5, makeInfo(BtfKind.Var, 0, false), 1, 0]
    expect(fail(craft({ words: [...INT(), ...v, ...struct(9, 4, [[0, 2, 0]])] }))).toMatchObject({
      _tag: "BtfReferenceError",
      reason: "Invalid member"
    })
  })
})

describe("loops", () => {
  test("typedef -> typedef -> typedef loop", () => {
    const e = fail(
      craft({
        words: [...ref(BtfKind.Typedef, 2, 5), ...ref(BtfKind.Typedef, 3, 9), ...ref(BtfKind.Typedef, 1, 1)]
      })
    )
    expect(e).toMatchObject({ _tag: "BtfLoopError", reason: "Loop detected" })
  })
  test("PTR -> PTR -> PTR loop (kernel PTR mode follows pointers)", () => {
    const e = fail(
      craft({
        words: [...ref(BtfKind.Ptr, 2), ...ref(BtfKind.Ptr, 3), ...ref(BtfKind.Ptr, 1)]
      })
    )
    expect(e).toMatchObject({ _tag: "BtfLoopError", reason: "Loop detected" })
  })
  test("CONST -> PTR -> CONST loop", () => {
    expect(fail(craft({ words: [...ref(BtfKind.Const, 2), ...ref(BtfKind.Ptr, 1)] }))).toMatchObject({
      _tag: "BtfLoopError"
    })
  })
  test("self-referencing modifier", () => {
    expect(fail(craft({ words: ref(BtfKind.Volatile, 1) }))).toMatchObject({
      _tag: "BtfLoopError",
      typeId: 1
    })
  })
  test("struct containing itself by value (directly and through an array)", () => {
    expect(fail(craft({ words: [...INT(), ...struct(5, 8, [[9, 2, 0]])] }))).toMatchObject({ _tag: "BtfLoopError" })
    const arr = [0, makeInfo(BtfKind.Array, 0, false), 0, 3, 1, 2]
    expect(fail(craft({ words: [...INT(), ...arr, ...struct(5, 8, [[9, 2, 0]])] }))).toMatchObject({
      _tag: "BtfLoopError"
    })
  })
  test("a loop through a PTR to a struct is legal (struct A { struct A *next; })", () => {
    const btf = ok(
      craft({
        words: [
          ...INT(),
          ...struct(5, 16, [
            [9, 1, 0],
            [1, 3, 64]
          ]),
          ...ref(BtfKind.Ptr, 2)
        ]
      })
    )
    expect(btf.types).toHaveLength(3)
  })
  test("resolve chains deeper than MAX_RESOLVE_DEPTH (32)", () => {
    const words = [...INT(), ...Array.from({ length: 40 }, (_, i) => ref(BtfKind.Const, i + 1)).flat()]
    // ids 2..41 each point to the previous one; resolving from the last walks 40 deep
    const reversed = [
      ...INT(),
      ...Array.from({ length: 40 }, (_, i) => ref(BtfKind.Const, i + 3 > 41 ? 1 : i + 3)).flat()
    ]
    expect(ok(craft({ words })).types).toHaveLength(41)
    expect(fail(craft({ words: reversed }))).toMatchObject({
      _tag: "BtfLoopError",
      reason: "Exceeded max resolving depth:32"
    })
  })
})
