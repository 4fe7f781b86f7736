/**
 * BTF-defined maps: the variables of the `.maps` DATASEC, each a struct whose members encode
 * the definition (offsets fixed up as DatasecLayout does) the way bpf_helpers.h's __uint/__type macros do, parsed as libbpf's
 * bpf_object__init_user_btf_maps / parse_btf_map_def (tools/lib/bpf/libbpf.c) in strict mode:
 *
 *   __uint(name, N)   →  member `int (*name)[N]`  — PTR to ARRAY with nelems N
 *   __type(name, T)   →  member `T *name`         — PTR to T (key/value: size = btf__resolve_size(T))
 *
 * Members: type, max_entries, map_flags, numa_node, key_size, key, value_size, value, map_extra,
 * pinning. `values` (initial prog-array / map-in-map contents) is not built: typed error.
 * Any other member is refused as libbpf does ("unknown field"). Errors carry libbpf's wording.
 */
import { Result } from "effect"
import type { Btf, TypeId } from "../btf/BtfType.js"
import { BtfKind, BtfKindName, BtfVarLinkage } from "../btf/BtfType.js"
import { resolveSize, skipModsAndTypedefs } from "../btf/BtfTypeQueries.js"
import type { ElfSection } from "../elf/ElfObject.js"
import type { DatasecLayout } from "./DatasecLayout.js"
import { ObjectMapError } from "./ObjectErrors.js"
import { BpfMapType, LibbpfPin, type MapSpec } from "./MapSpec.js"

export const MAPS_SECTION = ".maps"

/** libbpf btf_kind_str: the kind's name in lower case */
const kindStr = (t: { readonly kind: number } | undefined): string =>
  t === undefined ? "unknown" : (BtfKindName[t.kind as keyof typeof BtfKindName] ?? "unknown").toLowerCase()

const mapErr = (map: string, reason: string, value = 0) => Result.fail(new ObjectMapError({ map, reason, value }))

/** get_map_field_int: the N of `int (*name)[N]` */
const fieldInt = (btf: Btf, map: string, attr: string, type: TypeId): Result.Result<number, ObjectMapError> => {
  const t = skipModsAndTypedefs(btf, type).type
  if (t === undefined || t.kind !== BtfKind.Ptr) return mapErr(map, `attr '${attr}': expected PTR, got ${kindStr(t)}.`)
  const arr = btf.typeById(t.type)
  if (arr === undefined) return mapErr(map, `attr '${attr}': type [${t.type}] not found.`, t.type)
  if (arr.kind !== BtfKind.Array) return mapErr(map, `attr '${attr}': expected ARRAY, got ${kindStr(arr)}.`)
  return Result.succeed(arr.nelems)
}

/** the T of `T *name` and its size (key / value) */
const fieldType = (
  btf: Btf,
  map: string,
  what: "key" | "value",
  type: TypeId
): Result.Result<{ readonly id: TypeId; readonly size: number }, ObjectMapError> => {
  const t = btf.typeById(type)
  if (t === undefined) return mapErr(map, `${what} type [${type}] not found.`, type)
  if (t.kind !== BtfKind.Ptr) return mapErr(map, `${what} spec is not PTR: ${kindStr(t)}.`)
  const size = resolveSize(btf, t.type)
  if (Result.isFailure(size)) return mapErr(map, `can't determine ${what} size for type [${t.type}]: -22.`, t.type)
  return Result.succeed({ id: t.type, size: size.success })
}

/** The maps of the `.maps` section, in DATASEC variable order (libbpf's order). */
export const parseBtfMaps = (
  btf: Btf | undefined,
  layouts: ReadonlyMap<string, DatasecLayout>,
  section: ElfSection
): Result.Result<ReadonlyArray<MapSpec>, ObjectMapError> => {
  if (btf === undefined) return mapErr(MAPS_SECTION, "BTF is required for the .maps section (no .BTF)")
  const datasec = layouts.get(MAPS_SECTION)
  if (datasec === undefined) return mapErr(MAPS_SECTION, `DATASEC '${MAPS_SECTION}' not found.`)
  const out: Array<MapSpec> = []
  for (let vi = 0; vi < datasec.vars.length; vi++) {
    const info = datasec.vars[vi]!
    const v = btf.typeById(info.typeId)
    const name = v !== undefined && v.kind === BtfKind.Var ? v.name : ""
    if (name === "") return mapErr(`#${vi}`, v !== undefined && v.kind !== BtfKind.Var ? `unexpected var kind ${kindStr(v)}.` : "empty name.")
    if (v === undefined || v.kind !== BtfKind.Var) return mapErr(name, `unexpected var kind ${kindStr(v)}.`)
    if (info.offset + info.size > section.size) return mapErr(name, "BTF data is corrupted.", info.offset)
    if (v.linkage !== BtfVarLinkage.GlobalAllocated && v.linkage !== BtfVarLinkage.Static) {
      return mapErr(name, `unsupported map linkage ${v.linkage === BtfVarLinkage.GlobalExtern ? "extern" : v.linkage}.`, v.linkage)
    }
    const def = skipModsAndTypedefs(btf, v.type).type
    if (def === undefined || def.kind !== BtfKind.Struct) return mapErr(name, `unexpected def kind ${kindStr(def)}.`)
    if (def.size > info.size) return mapErr(name, "invalid def size.", def.size)
    const spec = {
      type: 0,
      keySize: 0,
      valueSize: 0,
      maxEntries: 0,
      mapFlags: 0,
      numaNode: 0,
      mapExtra: 0,
      pinning: 0,
      keyTypeId: 0,
      valueTypeId: 0
    }
    for (let mi = 0; mi < def.members.length; mi++) {
      const m = def.members[mi]!
      if (m.name === "") return mapErr(name, `invalid field #${mi}.`, mi)
      const intField = (): Result.Result<number, ObjectMapError> => fieldInt(btf, name, m.name, m.type)
      let r: Result.Result<number, ObjectMapError>
      switch (m.name) {
        case "type":
        case "max_entries":
        case "map_flags":
        case "numa_node":
        case "map_extra": {
          r = intField()
          if (Result.isFailure(r)) return Result.fail(r.failure)
          const key = { type: "type", max_entries: "maxEntries", map_flags: "mapFlags", numa_node: "numaNode", map_extra: "mapExtra" }[
            m.name
          ] as "type" | "maxEntries" | "mapFlags" | "numaNode" | "mapExtra"
          spec[key] = r.success
          break
        }
        case "key_size":
        case "value_size": {
          r = intField()
          if (Result.isFailure(r)) return Result.fail(r.failure)
          const cur = m.name === "key_size" ? spec.keySize : spec.valueSize
          const what = m.name === "key_size" ? "key" : "value"
          if (cur !== 0 && cur !== r.success) return mapErr(name, `conflicting ${what} size ${cur} != ${r.success}.`, r.success)
          if (m.name === "key_size") spec.keySize = r.success
          else spec.valueSize = r.success
          break
        }
        case "key":
        case "value": {
          const ft = fieldType(btf, name, m.name, m.type)
          if (Result.isFailure(ft)) return Result.fail(ft.failure)
          const cur = m.name === "key" ? spec.keySize : spec.valueSize
          if (cur !== 0 && cur !== ft.success.size) return mapErr(name, `conflicting ${m.name} size ${cur} != ${ft.success.size}.`, ft.success.size)
          if (m.name === "key") {
            spec.keySize = ft.success.size
            spec.keyTypeId = ft.success.id
          } else {
            spec.valueSize = ft.success.size
            spec.valueTypeId = ft.success.id
          }
          break
        }
        case "pinning": {
          r = intField()
          if (Result.isFailure(r)) return Result.fail(r.failure)
          if (r.success !== LibbpfPin.None && r.success !== LibbpfPin.ByName) return mapErr(name, `invalid pinning value ${r.success}.`, r.success)
          spec.pinning = r.success
          break
        }
        case "values":
          return mapErr(name, "initial 'values' (prog-array / map-in-map contents) are not supported by devtx's loader")
        default:
          return mapErr(name, `unknown field '${m.name}'.`)
      }
    }
    if (spec.type === BpfMapType.Unspec) return mapErr(name, "map type isn't specified.")
    out.push({
      name,
      ...spec,
      kind: "maps",
      section: MAPS_SECTION,
      sectionIndex: section.index,
      sectionOffset: info.offset,
      initialValue: new Uint8Array(0),
      vars: []
    })
  }
  return Result.succeed(out)
}
