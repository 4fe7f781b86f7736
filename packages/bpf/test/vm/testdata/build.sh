#!/usr/bin/env bash
# Rebuilds the VM's clang fixtures: vm_csum.bpf.c and vm_rx_meta.bpf.c for cpu v1 and v3, as the
# raw .text section of each (the instruction image the VM runs; no ELF loader involved).
#   ./build.sh            (needs clang and llvm-objcopy; Debian: clang llvm)
set -euo pipefail
cd "$(dirname "$0")"
inc="-I/usr/include/$(uname -m)-linux-gnu"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for prog in vm_csum vm_rx_meta; do
  for cpu in v1 v3; do
    clang -O2 -g0 -target bpf -mcpu="$cpu" $inc -c "$prog.bpf.c" -o "$tmp/$prog.$cpu.o"
    llvm-objcopy -O binary --only-section=.text "$tmp/$prog.$cpu.o" "$prog.$cpu.text.bin"
  done
done
