/**
 * Global variables as libbpf maps them (bpf_object__init_global_data_maps, libbpf.c): every
 * non-empty `.data` / `.data.*` and `.rodata` / `.rodata.*` PROGBITS section and every `.bss` /
 * `.bss.*` NOBITS section becomes a one-element BPF_MAP_TYPE_ARRAY (key_size 4, value_size =
 * the section size, max_entries 1), in section-header order, after the `.maps` maps.
 *
 * - name: libbpf's internal_map_name — up to 15 characters: the object name's first
 *   min(15 - max(7, len(section)), len(obj)) characters, then the section name (a section name
 *   with a second '.' gets no prefix), characters other than [A-Za-z0-9_.] replaced by '_'.
 * - flags: `.rodata*` BPF_F_RDONLY_PROG; BPF_F_MMAPABLE when the DATASEC has a non-static
 *   variable (libbpf map_is_mmapable).
 * - value BTF type: the section's DATASEC; its variables (fixed up, DatasecLayout) are what a
 *   globals dump prints.
 * - The object name is the file's base name up to its first '.', as libbpf's bpf_object__new.
 */
import { BtfVarLinkage } from "../btf/BtfType.js"
import { type ElfObject, ElfSectionFlag, ElfSectionType } from "../elf/ElfObject.js"
import type { DatasecLayout } from "./DatasecLayout.js"
import { BpfMapFlag, BpfMapType, type MapSpec } from "./MapSpec.js"

/** BPF_OBJ_NAME_LEN, include/uapi/linux/bpf.h */
export const BPF_OBJ_NAME_LEN = 16

/** libbpf bpf_object__new: basename of the path, cut at the first '.' */
export const objectNameOf = (path: string): string => {
  const base = path.slice(path.lastIndexOf("/") + 1)
  const dot = base.indexOf(".")
  return dot < 0 ? base : base.slice(0, dot)
}

/** libbpf internal_map_name */
export const internalMapName = (objName: string, realName: string): string => {
  let sfxLen = Math.max(7, realName.length)
  if (sfxLen >= BPF_OBJ_NAME_LEN) sfxLen = BPF_OBJ_NAME_LEN - 1
  const pfxLen = realName.indexOf(".", 1) >= 0 ? 0 : Math.min(BPF_OBJ_NAME_LEN - sfxLen - 1, objName.length)
  const name = (objName.slice(0, pfxLen) + realName.slice(0, sfxLen)).slice(0, BPF_OBJ_NAME_LEN - 1)
  return name.replace(/[^A-Za-z0-9_.]/g, "_")
}

export type GlobalDataKind = "data" | "rodata" | "bss"

/** The global-data kind of a section, or undefined (libbpf bpf_object__elf_collect) */
export const globalDataKindOf = (name: string, type: number, flags: number): GlobalDataKind | undefined => {
  const is = (pfx: string) => name === pfx || name.startsWith(`${pfx}.`)
  if (type === ElfSectionType.Progbits && (flags & ElfSectionFlag.ExecInstr) === 0) {
    if (is(".data")) return "data"
    if (is(".rodata")) return "rodata"
  }
  if (type === ElfSectionType.Nobits && is(".bss")) return "bss"
  return undefined
}

export const globalDataMaps = (elf: ElfObject, objName: string, layouts: ReadonlyMap<string, DatasecLayout>): ReadonlyArray<MapSpec> => {
  const out: Array<MapSpec> = []
  for (const sec of elf.sections) {
    if (sec.index === 0 || sec.size === 0) continue
    const kind = globalDataKindOf(sec.name, sec.type, sec.flags)
    if (kind === undefined) continue
    const layout = layouts.get(sec.name)
    const vars = layout?.vars.filter((v) => v.linkage >= 0) ?? []
    let flags = kind === "rodata" ? BpfMapFlag.RdonlyProg : 0
    if (vars.some((v) => v.linkage !== BtfVarLinkage.Static)) flags |= BpfMapFlag.Mmapable
    const initial = new Uint8Array(sec.size)
    if (kind !== "bss") initial.set(sec.data)
    out.push({
      name: internalMapName(objName, sec.name),
      type: BpfMapType.Array,
      keySize: 4,
      valueSize: sec.size,
      maxEntries: 1,
      mapFlags: flags,
      numaNode: 0,
      mapExtra: 0,
      pinning: 0,
      keyTypeId: 0,
      valueTypeId: layout?.typeId ?? 0,
      kind,
      section: sec.name,
      sectionIndex: sec.index,
      sectionOffset: 0,
      initialValue: initial,
      vars: vars.map((v) => ({ name: v.name, offset: v.offset, size: v.size, typeId: v.typeId, linkage: v.linkage }))
    })
  }
  return out
}
