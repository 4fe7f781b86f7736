/**
 * The object loader's LoadedObject (packages/bpf object/ObjectLoader.ts) as the program types'
 * ObjectImage: programs with their image and kfunc names by call index, maps with their
 * definitions, initial bytes and the DATASEC variables typed from the object's BTF (integer or
 * not, signed or not — what bpftool map dump needs to print a value). `loadObjectImage` runs the
 * loader with a target BTF for CO-RE (the bound driver's split BTF on devtx's kernel base).
 */
import {
  type Btf,
  BtfIntEncoding,
  BtfKind,
  type LoadedObject,
  type LoadObjectError,
  loadObject,
  type MapSpec,
  skipModsAndTypedefs
} from "@devtx/bpf"
import { Effect } from "effect"
import type { ObjectImage, ObjectMapDef, ObjectVar } from "./ObjectImage.js"

const varOf = (btf: Btf | undefined, v: MapSpec["vars"][number]): ObjectVar => {
  const decl = btf?.typeById(v.typeId)
  const target = btf !== undefined && decl !== undefined && decl.kind === BtfKind.Var ? skipModsAndTypedefs(btf, decl.type).type : undefined
  const integer = target !== undefined && (target.kind === BtfKind.Int || target.kind === BtfKind.Enum || target.kind === BtfKind.Enum64)
  const signed =
    target !== undefined &&
    ((target.kind === BtfKind.Int && (target.encoding & BtfIntEncoding.Signed) !== 0) ||
      ((target.kind === BtfKind.Enum || target.kind === BtfKind.Enum64) && "signed" in target && target.signed === true))
  return { name: v.name, offset: v.offset, size: v.size, integer, signed }
}

export const objectImageOf = (file: string, obj: LoadedObject): ObjectImage => ({
  file,
  programs: obj.programs.map((p) => ({ name: p.name, section: p.section, insns: p.image, kfuncs: p.kfuncs.map((k) => k.name) })),
  maps: obj.maps.map(
    (m): ObjectMapDef => ({
      name: m.name,
      type: m.type,
      keySize: m.keySize,
      valueSize: m.valueSize,
      maxEntries: m.maxEntries,
      ...(m.initialValue.length > 0 ? { initial: m.initialValue } : {}),
      frozen: m.kind === "rodata",
      vars: m.vars.map((v) => varOf(obj.btf, v)),
      spec: m
    })
  )
})

/** Open and relocate an object file's bytes against `targetBtf` (CO-RE), as an ObjectImage. */
export const loadObjectImage = (file: string, bytes: Uint8Array, targetBtf: Btf | undefined): Effect.Effect<ObjectImage, LoadObjectError> =>
  loadObject(bytes, { objectName: file, ...(targetBtf !== undefined ? { targetBtf } : {}) }).pipe(Effect.map((obj) => objectImageOf(file, obj)))
