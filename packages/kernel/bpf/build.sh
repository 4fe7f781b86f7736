#!/bin/sh
# Rebuilds the kernel-lane BPF fixtures (*.bpf.o, checked in) from their C sources.
# vmlinux.h is generated from the running kernel's BTF (5 MB, not checked in):
#   bpftool btf dump file /sys/kernel/btf/vmlinux format c
# Usage: sh packages/kernel/bpf/build.sh        (needs clang, bpftool, libbpf-dev)
set -eu
cd "$(dirname "$0")"
bpftool btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h
for src in *.bpf.c; do
	clang -O2 -Werror -g -target bpf -D__TARGET_ARCH_x86 -I. -c "$src" -o "${src%.c}.o"
done
echo "built: $(ls *.bpf.o | tr '\n' ' ')"
