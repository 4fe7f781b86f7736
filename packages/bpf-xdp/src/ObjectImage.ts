/**
 * What the program types need of a loaded BPF object (the object loader's output, packages/bpf
 * object/): per program its section, instruction image (host-order, relocations applied, kfunc
 * calls with imm = index into `kfuncs`, LD_IMM64 map pseudos with imm = index into the object's
 * maps), and per map its definition, initial bytes and — for the .data/.bss/.rodata sections —
 * the variables their BTF DATASEC names (what `bpftool map dump` prints by name).
 */
export interface ObjectVar {
  readonly name: string
  readonly offset: number
  readonly size: number
  /** an integer type that is signed (printed as such) */
  readonly signed: boolean
  /** an integer type (else printed as bytes) */
  readonly integer: boolean
}

export interface ObjectMapDef {
  /** the map's name: the variable of a SEC(".maps") map, or the section (".bss", ".data", ".rodata") */
  readonly name: string
  /** enum bpf_map_type */
  readonly type: number
  readonly keySize: number
  readonly valueSize: number
  readonly maxEntries: number
  /** initial value bytes (.data, .rodata; .bss is zero) */
  readonly initial?: Uint8Array
  /** .rodata: frozen, read-only to programs */
  readonly frozen: boolean
  readonly vars: ReadonlyArray<ObjectVar>
}

export interface ObjectProgramImage {
  /** the ELF symbol of the program's function */
  readonly name: string
  readonly section: string
  readonly insns: Uint8Array
  /** kfunc symbols by the index call instructions carry */
  readonly kfuncs: ReadonlyArray<string>
}

export interface ObjectImage {
  /** the object file, for messages */
  readonly file: string
  readonly programs: ReadonlyArray<ObjectProgramImage>
  readonly maps: ReadonlyArray<ObjectMapDef>
}

/** enum bpf_map_type values the program types handle (include/uapi/linux/bpf.h) */
export const MapType = { HASH: 1, ARRAY: 2, PROG_ARRAY: 3, DEVMAP: 14, CPUMAP: 16, XSKMAP: 17 } as const
