/**
 * decode(encode(x)) == x for generated BTF models (fast-check), both byte orders, standalone
 * and split on a generated base. The generator only produces BTF the kernel's rules accept
 * (references point at earlier ids of allowed kinds, names are valid identifiers, offsets fit),
 * so the strict decoder must accept every case; re-encoding the decoded Btf must give the same
 * bytes again.
 */
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import type { Btf, BtfMember, BtfParam, BtfType, TypeId } from "../../src/btf/BtfType.js"
import { BtfKind } from "../../src/btf/BtfType.js"
import { BtfObject } from "../../src/btf/BtfObject.js"
import { decodeBtf } from "../../src/btf/BtfDecoder.js"
import { encodeBtf } from "../../src/btf/BtfEncoder.js"

interface Choice {
  readonly k: number
  readonly a: number
  readonly b: number
  readonly c: number
  readonly v: number
  readonly flag: boolean
  readonly names: ReadonlyArray<string>
  readonly nums: ReadonlyArray<number>
}

const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,10}$/)
const choiceArb: fc.Arbitrary<Choice> = fc.record({
  k: fc.nat(18),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  v: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  flag: fc.boolean(),
  names: fc.array(fc.oneof(ident, fc.constant("")), {
    minLength: 8,
    maxLength: 8
  }),
  nums: fc.array(fc.nat(), { minLength: 8, maxLength: 8 })
})

/** Ids by role, so generated references are always legal. */
class Pools {
  readonly refTargets: Array<TypeId> = [0]
  readonly sized: Array<TypeId> = []
  readonly regularInts: Array<TypeId> = []
  readonly bitfieldInts: Array<TypeId> = []
  readonly protos: Array<{ id: TypeId; params: number }> = []
  readonly funcs: Array<{ id: TypeId; params: number }> = []
  readonly vars: Array<TypeId> = []
  readonly tagTargets: Array<{ id: TypeId; components: number }> = []
  private readonly sizedSet = new Set<TypeId>()

  add(id: TypeId, t: BtfType): void {
    const sized = (x: boolean) => {
      if (x) {
        this.sized.push(id)
        this.sizedSet.add(id)
      }
    }
    switch (t.kind) {
      case BtfKind.Int: {
        const regular = t.bitOffset === 0 && t.bits === t.size * 8
        if (regular) this.regularInts.push(id)
        else this.bitfieldInts.push(id)
        sized(regular)
        this.refTargets.push(id)
        break
      }
      case BtfKind.Ptr:
      case BtfKind.Array:
      case BtfKind.Enum:
      case BtfKind.Enum64:
      case BtfKind.Float:
        sized(true)
        this.refTargets.push(id)
        break
      case BtfKind.Struct:
      case BtfKind.Union:
        sized(true)
        this.refTargets.push(id)
        this.tagTargets.push({ id, components: t.members.length })
        break
      case BtfKind.Const:
      case BtfKind.Volatile:
      case BtfKind.Restrict:
      case BtfKind.TypeTag:
      case BtfKind.Typedef:
        sized(this.sizedSet.has(t.type))
        this.refTargets.push(id)
        if (t.kind === BtfKind.Typedef) this.tagTargets.push({ id, components: 0 })
        break
      case BtfKind.Fwd:
        this.refTargets.push(id)
        break
      case BtfKind.FuncProto:
        this.refTargets.push(id)
        this.protos.push({ id, params: t.params.length })
        break
      case BtfKind.Func: {
        const p = this.protos.find((x) => x.id === t.type)
        this.funcs.push({ id, params: p?.params ?? 0 })
        this.tagTargets.push({ id, components: p?.params ?? 0 })
        break
      }
      case BtfKind.Var:
        this.vars.push(id)
        this.tagTargets.push({ id, components: 0 })
        break
      default:
        break
    }
  }
}

const pick = <A>(xs: ReadonlyArray<A>, n: number): A | undefined => (xs.length === 0 ? undefined : xs[n % xs.length])
const nonEmpty = (s: string, n: number): string => (s === "" ? `n${n % 1000}` : s)

/** Deterministically turn choices into valid types with ids startId.. */
const buildTypes = (choices: ReadonlyArray<Choice>, startId: number, pools: Pools): Array<BtfType> => {
  const types: Array<BtfType> = []
  for (const ch of choices) {
    const { a, b, c, names, nums } = ch
    const nm = nonEmpty(names[0]!, a)
    let t: BtfType | undefined
    switch (ch.k) {
      case 0: {
        const size = [1, 2, 4, 8, 16][a % 5]!
        const bits = b % 2 === 0 ? size * 8 : (c % (size * 8)) + 1
        t = {
          kind: BtfKind.Int,
          name: ch.flag ? `${nm} int` : nm,
          size,
          encoding: [0, 1, 2, 4][c % 4]!,
          bitOffset: 0,
          bits
        }
        break
      }
      case 1:
        t = {
          kind: BtfKind.Ptr,
          name: "",
          type: pick(pools.refTargets, a)!,
          kindFlag: false
        }
        break
      case 2:
      case 3:
      case 4: {
        const kind = [BtfKind.Const, BtfKind.Volatile, BtfKind.Restrict][ch.k - 2]!
        t = {
          kind,
          name: "",
          type: pick(pools.refTargets, a)!,
          kindFlag: false
        }
        break
      }
      case 5:
        t = {
          kind: BtfKind.Typedef,
          name: nm,
          type: pick(pools.refTargets, a)!,
          kindFlag: false
        }
        break
      case 6:
        t = {
          kind: BtfKind.TypeTag,
          name: nm,
          type: pick(pools.refTargets, a)!,
          kindFlag: ch.flag
        }
        break
      case 7: {
        const elem = pick(pools.sized, a)
        const index = pick(pools.regularInts, b)
        if (elem !== undefined && index !== undefined)
          t = {
            kind: BtfKind.Array,
            type: elem,
            indexType: index,
            nelems: c % 1000
          }
        break
      }
      case 8:
      case 9: {
        const union = ch.k === 9
        const vlen = pools.sized.length === 0 ? 0 : a % 6
        const size = b % 64
        const kindFlag = ch.flag
        const members: Array<BtfMember> = []
        for (let i = 0; i < vlen; i++) {
          const useBitfield = kindFlag && pools.bitfieldInts.length > 0 && nums[i]! % 3 === 0
          const type = useBitfield ? pick(pools.bitfieldInts, nums[i]!)! : pick(pools.sized, nums[i]!)!
          const bitOffset = union ? 0 : nums[(i + 1) % 8]! % (size * 8 + 1)
          members.push({
            name: names[(i + 1) % 8]!,
            type,
            bitOffset,
            bitfieldSize: kindFlag ? nums[(i + 2) % 8]! % 33 : 0
          })
        }
        t = {
          kind: union ? BtfKind.Union : BtfKind.Struct,
          name: names[0]!,
          size,
          kindFlag,
          members
        }
        break
      }
      case 10:
        t = {
          kind: BtfKind.Enum,
          name: names[0]!,
          size: [1, 2, 4, 8][b % 4]!,
          signed: ch.flag,
          values: Array.from({ length: a % 5 }, (_, i) => ({
            name: nonEmpty(names[(i + 1) % 8]!, i),
            value: i === 0 ? ch.v : nums[i]! | 0
          }))
        }
        break
      case 11:
        t = {
          kind: BtfKind.Enum64,
          name: names[0]!,
          size: [1, 2, 4, 8][b % 4]!,
          signed: ch.flag,
          values: Array.from({ length: a % 5 }, (_, i) => ({
            name: nonEmpty(names[(i + 1) % 8]!, i),
            lo32: nums[i]! >>> 0,
            hi32: (nums[(i + 3) % 8]! * 7) >>> 0
          }))
        }
        break
      case 12:
        t = { kind: BtfKind.Fwd, name: nm, union: ch.flag }
        break
      case 13: {
        const n = pools.sized.length === 0 ? 0 : a % 5
        const params: Array<BtfParam> = Array.from({ length: n }, (_, i) => ({
          name: names[(i + 1) % 8]!,
          type: pick(pools.sized, nums[i]!)!
        }))
        if (ch.flag) params.push({ name: "", type: 0 })
        t = {
          kind: BtfKind.FuncProto,
          returnType: b % 3 === 0 ? 0 : (pick(pools.sized, b) ?? 0),
          params
        }
        break
      }
      case 14: {
        const p = pick(pools.protos, a)
        if (p !== undefined) t = { kind: BtfKind.Func, name: nm, type: p.id, linkage: b % 3 }
        break
      }
      case 15: {
        const ty = pick(pools.sized, a)
        if (ty !== undefined) t = { kind: BtfKind.Var, name: nm, type: ty, linkage: b % 3 }
        break
      }
      case 16: {
        if (pools.vars.length === 0) break
        const n = 1 + (a % 4)
        const withSize = ch.flag
        let off = 0
        const vars = Array.from({ length: n }, (_, i) => {
          const size = 1 + (nums[i]! % 16)
          const v = {
            type: pick(pools.vars, nums[(i + 4) % 8]!)!,
            offset: withSize ? off : 0,
            size
          }
          off += size + (nums[(i + 1) % 8]! % 4)
          return v
        })
        t = {
          kind: BtfKind.Datasec,
          name: `.${nm}`,
          size: withSize ? off + (b % 8) : 0,
          vars
        }
        break
      }
      case 17:
        t = { kind: BtfKind.Float, name: nm, size: [2, 4, 8, 12, 16][a % 5]! }
        break
      case 18: {
        const target = pick(pools.tagTargets, a)
        if (target !== undefined) {
          const componentIdx = target.components > 0 && ch.flag ? b % target.components : -1
          t = {
            kind: BtfKind.DeclTag,
            name: nm,
            type: target.id,
            componentIdx,
            kindFlag: c % 2 === 1
          }
        }
        break
      }
    }
    if (t !== undefined) {
      pools.add(startId + types.length, t)
      types.push(t)
    }
  }
  return types
}

const roundTrip = (btf: Btf, le: boolean, base?: Btf): void => {
  const enc = encodeBtf(btf, { littleEndian: le })
  if (Result.isFailure(enc)) throw new Error(enc.failure.message)
  const dec = decodeBtf(enc.success, base === undefined ? {} : { base })
  if (Result.isFailure(dec)) throw new Error(`${dec.failure._tag}: ${dec.failure.message}`)
  expect(dec.success.types).toEqual(btf.types)
  expect(dec.success.littleEndian).toBe(le)
  expect(dec.success.startId).toBe(btf.startId)
  const again = encodeBtf(dec.success)
  expect(Result.isSuccess(again) && again.success).toEqual(enc.success)
}

const kindsSeen = new Set<number>()
const seen = (types: ReadonlyArray<BtfType>) => {
  for (const t of types) kindsSeen.add(t.kind)
}

describe("BTF round trip (fast-check)", () => {
  test("standalone, both byte orders", () => {
    fc.assert(
      fc.property(fc.array(choiceArb, { maxLength: 60 }), fc.boolean(), (choices, le) => {
        const types = buildTypes(choices, 1, new Pools())
        seen(types)
        roundTrip(new BtfObject(undefined, types, le, undefined), le)
      }),
      { numRuns: 400, seed: 0x5eed }
    )
    // the generator really covers every kind (1..19)
    expect([...kindsSeen].sort((x, y) => x - y)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1))
  })

  test("split on a generated base, both byte orders", () => {
    fc.assert(
      fc.property(
        fc.array(choiceArb, { minLength: 1, maxLength: 40 }),
        fc.array(choiceArb, { maxLength: 40 }),
        fc.boolean(),
        (baseChoices, splitChoices, le) => {
          const pools = new Pools()
          const baseTypes = buildTypes(baseChoices, 1, pools)
          const baseEnc = encodeBtf(new BtfObject(undefined, baseTypes, le, undefined), { littleEndian: le })
          if (Result.isFailure(baseEnc)) throw new Error(baseEnc.failure.message)
          const base = decodeBtf(baseEnc.success)
          if (Result.isFailure(base)) throw new Error(base.failure.message)
          const splitTypes = buildTypes(splitChoices, base.success.typeCount, pools)
          roundTrip(new BtfObject(base.success, splitTypes, le, undefined), le, base.success)
        }
      ),
      { numRuns: 300, seed: 0xba5e }
    )
  })
})
