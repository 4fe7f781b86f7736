/**
 * Source lines of a linked program, from the object's .BTF.ext line_info (bpf_line_info:
 * insn_off, file_name_off, line_off, line_col = line << 10 | col), placed on the final image the
 * way libbpf's adjust_prog_btf_ext_info places them: each piece's records (those whose
 * section-relative instruction falls inside the piece's symbol) moved to the piece's start.
 * File and source text are strings of the object's BTF.
 */
import type { BtfStringTable } from "../btf/BtfStringTable.js"
import type { BtfExt } from "../elf/BtfExt.js"
import { BPF_INSN_SIZE } from "../elf/ElfObject.js"
import type { ImagePiece } from "./SubprogLinker.js"

export interface ProgramLineInfo {
  /** instruction index in the final image */
  readonly insnIndex: number
  readonly file: string
  /** the source line's text as clang recorded it */
  readonly source: string
  readonly line: number
  readonly col: number
}

export const programLineInfo = (
  ext: BtfExt | undefined,
  strings: BtfStringTable | undefined,
  pieces: ReadonlyArray<ImagePiece>
): ReadonlyArray<ProgramLineInfo> => {
  if (ext === undefined) return []
  const out: Array<ProgramLineInfo> = []
  for (const { prog, start } of pieces) {
    const sec = ext.lineInfo.sections.find((s) => s.secName === prog.sectionName)
    if (sec === undefined) continue
    const first = prog.sectionOffset / BPF_INSN_SIZE
    for (const r of sec.records) {
      if (r.insnOff % BPF_INSN_SIZE !== 0) continue
      const idx = r.insnOff / BPF_INSN_SIZE - first
      if (idx < 0 || idx >= prog.insns.length) continue
      out.push({
        insnIndex: start + idx,
        file: strings?.at(r.fileNameOff) ?? "",
        source: strings?.at(r.lineOff) ?? "",
        line: r.line,
        col: r.col
      })
    }
  }
  return out.sort((a, b) => a.insnIndex - b.insnIndex)
}
