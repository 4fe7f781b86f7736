/**
 * Objects the loader must refuse, each with its typed error and exact message: the bad_*.o
 * fixtures (bad.bpf.c variants) and byte-level corruptions of good fixtures (truncation, ELF
 * class, e_machine, section table, relocation symbol/type/offset).
 */
import { Result } from "effect"
import { describe, expect, test } from "vitest"
import { parseElf } from "../../src/elf/ElfObject.js"
import { fixture, loadError } from "./objectTestTools.js"

const err = (bytes: Uint8Array) => {
  const e = loadError(bytes, { objectName: "bad" })
  return `${e._tag}: ${e.message}`
}

/** a copy of `name` with `edit` applied to a DataView of it */
const patched = (name: string, edit: (dv: DataView, bytes: Uint8Array) => void): Uint8Array => {
  const b = fixture(name).slice()
  edit(new DataView(b.buffer), b)
  return b
}

/** byte offset of the first Elf64_Rel of section `name` */
const relOffset = (file: string, name: string): number => {
  const elf = parseElf(fixture(file))
  if (Result.isFailure(elf)) throw new Error(elf.failure.message)
  return elf.success.sectionByName(name)!.offset
}

describe("fixtures the loader refuses", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["bad_nolicense.o", `ObjectLicenseError: license: the object has no 'license' section (char LICENSE[] SEC("license"))`],
    [
      "bad_gplonly.o",
      `ObjectLicenseError: license: prog 'bad_prog': cannot call GPL-restricted function bpf_trace_printk#6 from non-GPL compatible program (license "Proprietary")`
    ],
    [
      // bpf_get_current_task (35) is .gpl_only (kernel/trace/bpf_trace.c) and reachable from XDP
      // through bpf_base_func_proto for CAP_PERFMON (kernel/bpf/helpers.c)
      "bad_gpltask.o",
      `ObjectLicenseError: license: prog 'bad_prog': cannot call GPL-restricted function bpf_get_current_task#35 from non-GPL compatible program (license "Proprietary")`
    ],
    [
      "bad_kfunc_nongpl.o",
      `ObjectLicenseError: license: prog 'bad_prog': cannot call kernel function bpf_xdp_metadata_rx_timestamp from non-GPL compatible program (license "Proprietary")`
    ],
    [
      "bad_ksymvar.o",
      "ObjectExternError: extern 'bpf_prog_active' (ksym variable): __ksym extern variables are not supported by devtx's loader"
    ],
    ["bad_kconfig.o", "ObjectExternError: extern 'CONFIG_HZ' (kconfig): __kconfig externs are not supported by devtx's loader"],
    ["bad_unknownsec.o", "ObjectSectionError: sec 'tc': prog 'bad_prog': missing BPF prog type, check ELF section name 'tc'"],
    ["bad_static.o", "ObjectSectionError: sec 'xdp': program 'bad_prog' is static and not supported"],
    ["bad_mapkey.o", "ObjectMapError: map 'conflicting': conflicting key size 8 != 4."],
    ["bad_legacymaps.o", "ObjectSectionError: sec 'maps': legacy map definitions in 'maps' section are not supported by libbpf v1.0+"]
  ]
  for (const [file, message] of cases) test(file, () => expect(err(fixture(file))).toBe(message))
})

describe("corrupted bytes", () => {
  test("truncated below the ELF header", () => {
    expect(err(fixture("progs.o").slice(0, 40))).toBe("ElfError: ELF: file shorter than the ELF64 header (value 40 at byte 0)")
  })
  test("truncated inside the section data", () => {
    expect(err(fixture("progs.o").slice(0, 1024))).toMatch(/^ElfError: ELF: section header table outside the file|^ElfError: ELF: section \d+: data/)
  })
  test("32-bit class", () => {
    expect(err(patched("progs.o", (_dv, b) => (b[4] = 1)))).toBe("ElfError: ELF: not a 64-bit ELF (EI_CLASS) (value 1 at byte 4)")
  })
  test("e_machine EM_X86_64", () => {
    expect(err(patched("progs.o", (dv) => dv.setUint16(18, 62, true)))).toBe(
      "ObjectFormatError: object: not a valid eBPF object file: e_type 1 (expected ET_REL 1), e_machine 62 (expected EM_BPF 247) (value 62)"
    )
  })
  test("e_type ET_EXEC", () => {
    expect(err(patched("progs.o", (dv) => dv.setUint16(16, 2, true)))).toBe(
      "ObjectFormatError: object: not a valid eBPF object file: e_type 2 (expected ET_REL 1), e_machine 247 (expected EM_BPF 247) (value 2)"
    )
  })
  test("section header table offset past the end", () => {
    expect(err(patched("progs.o", (dv, b) => dv.setUint32(40, b.length, true)))).toMatch(
      /^ElfError: ELF: section header table outside the file \(value \d+ at byte 40\)$/
    )
  })
  test("a relocation naming a symbol past the symbol table", () => {
    const at = relOffset("progs.o", ".relxdp")
    expect(err(patched("progs.o", (dv) => dv.setUint32(at + 12, 9999, true)))).toBe(
      "ObjectRelocationError: sec '.relxdp': symbol #9999 not found for relo #0 (value 9999)"
    )
  })
  test("an unknown relocation type on a program instruction", () => {
    const at = relOffset("progs.o", ".relxdp")
    expect(err(patched("progs.o", (dv) => dv.setUint32(at + 8, 3, true)))).toBe(
      "ObjectRelocationError: prog 'xdp_first': relo #0 in sec 'xdp' at insn #1 against 'sub_global': unknown relocation type 3 for a program instruction (value 3)"
    )
  })
  test("a relocation offset that is not an instruction boundary", () => {
    const at = relOffset("progs.o", ".relxdp")
    expect(err(patched("progs.o", (dv) => dv.setUint32(at, 9, true)))).toBe(
      "ObjectRelocationError: sec '.relxdp': invalid offset 0x9 for relo #0 (value 9)"
    )
  })
  test("a map relocation moved onto a non-LD_IMM64 instruction", () => {
    const at = relOffset("maps.o", ".relxdp")
    expect(err(patched("maps.o", (dv) => dv.setUint32(at, 0, true)))).toMatch(
      /^ObjectRelocationError: prog 'use_maps': relo #0 in sec 'xdp' at insn #0 against '\w+': invalid relo against '\w+' for insns\[0\]\.code 0x[0-9a-f]+ \(value \d+\)$/
    )
  })
})
