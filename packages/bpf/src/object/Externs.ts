/**
 * Extern symbols (libbpf bpf_object__collect_externs): an ELF symbol with st_shndx SHN_UNDEF,
 * binding GLOBAL or WEAK and type NOTYPE, matched by name to a BTF VAR (linkage extern) or FUNC
 * (linkage extern) that sits in the `.ksyms` or `.kconfig` DATASEC.
 *
 * - `.ksyms` FUNC: a kfunc (`extern int f(...) __ksym`): kept with its FUNC_PROTO, called as
 *   BPF_PSEUDO_KFUNC_CALL after relocation.
 * - `.ksyms` VAR (typed or untyped `__ksym` variables) and `.kconfig` (`__kconfig`): not built in
 *   devtx — a typed ObjectExternError naming the extern.
 * - No BTF for the extern, or another section: libbpf's errors ("failed to find BTF for
 *   extern", "resides in unsupported section").
 */
import { Result } from "effect"
import type { Btf, BtfFuncProto, TypeId } from "../btf/BtfType.js"
import { BtfFuncLinkage, BtfKind, BtfVarLinkage } from "../btf/BtfType.js"
import { type ElfObject, ElfSymbolBind, ElfSymbolType } from "../elf/ElfObject.js"
import { ObjectExternError } from "./ObjectErrors.js"

/** A `__ksym` extern function the object calls. */
export interface KfuncExtern {
  readonly name: string
  /** ELF symbol index */
  readonly symIndex: number
  /** the FUNC's id in the object's BTF */
  readonly btfId: TypeId
  /** its FUNC_PROTO as the object declares it */
  readonly protoId: TypeId
  readonly proto: BtfFuncProto | undefined
  readonly weak: boolean
}

const extErr = (name: string, kind: ObjectExternError["kind"], reason: string) =>
  Result.fail(new ObjectExternError({ name, kind, reason }))

/** Every extern of the object: the kfuncs, or the first extern devtx cannot resolve. */
export const collectExterns = (elf: ElfObject, btf: Btf | undefined): Result.Result<ReadonlyMap<number, KfuncExtern>, ObjectExternError> => {
  const out = new Map<number, KfuncExtern>()
  for (const sym of elf.symbols) {
    if (sym.index === 0 || sym.shndx !== 0 || sym.type !== ElfSymbolType.NoType) continue
    if (sym.bind !== ElfSymbolBind.Global && sym.bind !== ElfSymbolBind.Weak) continue
    if (btf === undefined) return extErr(sym.name, "unknown", "failed to find BTF for extern: the object has no .BTF")
    let id = 0
    for (let i = 1; i < btf.typeCount; i++) {
      const t = btf.typeById(i)
      if (t === undefined || (t.kind !== BtfKind.Var && t.kind !== BtfKind.Func) || t.name !== sym.name) continue
      if (t.kind === BtfKind.Var && t.linkage !== BtfVarLinkage.GlobalExtern) return extErr(sym.name, "unknown", "failed to find BTF for extern: -22")
      if (t.kind === BtfKind.Func && t.linkage !== BtfFuncLinkage.Extern) return extErr(sym.name, "unknown", "failed to find BTF for extern: -22")
      id = i
      break
    }
    if (id === 0) return extErr(sym.name, "unknown", "failed to find BTF for extern: -2")
    let secName: string | undefined
    for (let i = 1; i < btf.typeCount && secName === undefined; i++) {
      const t = btf.typeById(i)
      if (t !== undefined && t.kind === BtfKind.Datasec && t.vars.some((v) => v.type === id)) secName = t.name
    }
    if (secName === undefined) return extErr(sym.name, "unknown", "failed to find the DATASEC of the extern")
    const t = btf.typeById(id)!
    if (secName === ".kconfig") return extErr(sym.name, "kconfig", "__kconfig externs are not supported by devtx's loader")
    if (secName !== ".ksyms") return extErr(sym.name, "unknown", `extern resides in unsupported section '${secName}'`)
    if (t.kind === BtfKind.Var) return extErr(sym.name, "ksym variable", "__ksym extern variables are not supported by devtx's loader")
    if (t.kind !== BtfKind.Func) return extErr(sym.name, "unknown", "extern is neither VAR nor FUNC")
    const proto = btf.typeById(t.type)
    out.set(sym.index, {
      name: sym.name,
      symIndex: sym.index,
      btfId: id,
      protoId: t.type,
      proto: proto !== undefined && proto.kind === BtfKind.FuncProto ? proto : undefined,
      weak: sym.bind === ElfSymbolBind.Weak
    })
  }
  return Result.succeed(out)
}
