/**
 * @devtx/bpf — the loader side of the house, as libbpf and cilium/ebpf are: ELF objects, BTF,
 * .BTF.ext, CO-RE relocation, maps, and the eBPF VM that runs clang-compiled programs.
 * It depends on nothing in devtx; core and the program types build on it.
 */
export * from "./kernel/Errno.js"
export * from "./btf/index.js"
export * from "./elf/ElfObject.js"
export * from "./elf/BtfExt.js"
export * from "./core-relo/index.js"
export * from "./vm/VmTypes.js"
