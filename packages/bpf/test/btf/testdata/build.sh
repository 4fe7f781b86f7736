#!/bin/sh
# Rebuild the BTF fixtures (one command): sh packages/bpf/test/btf/testdata/build.sh
# Needs gcc, pahole (dwarves), clang, llvm-objcopy. The outputs are committed.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# pahole from gcc DWARF: standalone, with floats and ENUM64 (pahole 1.24 defaults)
gcc -g -c layouts.c -o "$tmp/layouts.o"
pahole --btf_gen_floats --btf_encode_detached=layouts.btf "$tmp/layouts.o"
# split BTF: base.btf, then split.btf on top of it
gcc -g -c base.c -o "$tmp/base.o"
pahole --btf_encode_detached=base.btf "$tmp/base.o"
gcc -g -c split.c -o "$tmp/split.o"
pahole --btf_base=base.btf --btf_encode_detached=split.btf "$tmp/split.o"
# clang BPF object .BTF sections, little and big endian
clang -target bpfel -O2 -g -c progs.bpf.c -o "$tmp/progs.bpfel.o"
clang -target bpfeb -O2 -g -c progs.bpf.c -o "$tmp/progs.bpfeb.o"
llvm-objcopy --dump-section .BTF=progs.bpfel.btf "$tmp/progs.bpfel.o" "$tmp/discard.o"
llvm-objcopy --dump-section .BTF=progs.bpfeb.btf "$tmp/progs.bpfeb.o" "$tmp/discard.o"
