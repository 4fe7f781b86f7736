/**
 * DATASEC layouts as libbpf fixes them up at open (btf_fixup_datasec, tools/lib/bpf/libbpf.c):
 * clang writes DATASEC size 0 and offset 0 for every non-static variable (it does not know the
 * final layout), so the size is taken from the ELF section of the same name and each
 * global VAR's offset from its ELF symbol (STT_OBJECT, STB_GLOBAL or STB_WEAK, same name).
 * Static VARs keep clang's offsets. `.ksyms` and `.kconfig` (extern-only) are left as they are.
 * The object's Btf is not modified; the fixed layout is returned beside it.
 */
import { Result } from "effect"
import type { Btf, BtfDatasec, TypeId } from "../btf/BtfType.js"
import { BtfKind, BtfVarLinkage } from "../btf/BtfType.js"
import { type ElfObject, ElfSymbolBind, ElfSymbolType } from "../elf/ElfObject.js"
import { ObjectFormatError } from "./ObjectErrors.js"

export interface DatasecVar {
  readonly typeId: TypeId
  readonly name: string
  readonly linkage: number
  readonly offset: number
  readonly size: number
}

export interface DatasecLayout {
  readonly name: string
  readonly typeId: TypeId
  readonly size: number
  readonly vars: ReadonlyArray<DatasecVar>
}

const EXTERN_ONLY = new Set([".ksyms", ".kconfig"])

/** Every DATASEC of the object's BTF, fixed up; keyed by section name. */
export const datasecLayouts = (btf: Btf, elf: ElfObject): Result.Result<ReadonlyMap<string, DatasecLayout>, ObjectFormatError> => {
  const out = new Map<string, DatasecLayout>()
  const fail = (reason: string, value: number) => Result.fail(new ObjectFormatError({ reason, value }))
  for (let id = btf.startId; id < btf.typeCount; id++) {
    const t = btf.typeById(id)
    if (t === undefined || t.kind !== BtfKind.Datasec) continue
    const ds: BtfDatasec = t
    const fix = !EXTERN_ONLY.has(ds.name)
    let size = ds.size
    if (fix && size === 0) {
      const sec = elf.sectionByName(ds.name)
      if (sec === undefined || sec.size === 0) return fail(`sec '${ds.name}': failed to determine size from ELF: size 0, err -2`, id)
      size = sec.size
    }
    const vars: Array<DatasecVar> = []
    for (const vi of ds.vars) {
      const v = btf.typeById(vi.type)
      if (v === undefined || v.kind !== BtfKind.Var) {
        if (fix) return fail(`sec '${ds.name}': unexpected non-VAR type found`, vi.type)
        vars.push({ typeId: vi.type, name: v !== undefined && "name" in v ? v.name : "", linkage: -1, offset: vi.offset, size: vi.size })
        continue
      }
      let offset = vi.offset
      if (fix && v.linkage !== BtfVarLinkage.Static && v.linkage !== BtfVarLinkage.GlobalExtern) {
        const sym = elf.symbols.find(
          (s) =>
            s.type === ElfSymbolType.Object &&
            (s.bind === ElfSymbolBind.Global || s.bind === ElfSymbolBind.Weak) &&
            s.name === v.name
        )
        if (sym === undefined) return fail(`sec '${ds.name}': failed to find ELF symbol for VAR '${v.name}'`, vi.type)
        offset = sym.value
      }
      vars.push({ typeId: vi.type, name: v.name, linkage: v.linkage, offset, size: vi.size })
    }
    if (!out.has(ds.name)) out.set(ds.name, { name: ds.name, typeId: id, size, vars })
  }
  return Result.succeed(out)
}
