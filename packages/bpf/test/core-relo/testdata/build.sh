#!/usr/bin/env bash
# Rebuilds every CO-RE fixture in this directory from its C source (btf-and-core.md §5 recipe E).
# Outputs are committed so tests read them directly; rerun this after editing a .c file.
#
#   programs (clang -target bpf -O2 -g):   rx_fields.o rx_types.o prune.o enum_signed.o kprog.o
#                                          rx_fields.bpfeb.o (big-endian ELF/BTF/.BTF.ext)
#                                          tm.o (TYPE_MATCHES needs clang >= 15: clang-16)
#                                          enum64.o (ENUM64 needs clang >= 15: clang-16)
#   targets (gcc -g + pahole 1.24):        t_same t_moved t_missing t_ambig t_flavor t_straddle .btf
#                                          base.btf + drv_split.btf (split on base.btf)
#   targets from clang + pahole:           t_same_clang.btf (clang's int names, for TYPE_MATCHES)
#                                          t_moved_be.btf (bpfeb object -> big-endian BTF)
#
# Needs: clang, clang-16, gcc, pahole (Debian 12: apt-get install -y clang clang-16 dwarves libbpf-dev).
set -euo pipefail
cd "$(dirname "$0")"

MULTIARCH_INC="/usr/include/$(gcc -dumpmachine)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

bpf() { # $1 = source stem, $2 = clang binary, $3 = target, $4 = output
  "$2" -target "$3" -O2 -g -fdebug-prefix-map="$PWD"=. -I"$MULTIARCH_INC" -c "$1.bpf.c" -o "$4"
}
bpf rx_fields clang bpf rx_fields.o
bpf rx_fields clang bpfeb rx_fields.bpfeb.o
bpf rx_types clang bpf rx_types.o
bpf prune clang bpf prune.o
bpf enum_signed clang bpf enum_signed.o
bpf kprog clang bpf kprog.o
bpf tm clang-16 bpf tm.o
bpf enum64 clang-16 bpf enum64.o

for t in t_same t_moved t_missing t_ambig t_flavor t_straddle base; do
  gcc -g -fno-eliminate-unused-debug-types -c "$t.c" -o "$TMP/$t.o" 2>/dev/null
  pahole --btf_encode_detached="$t.btf" "$TMP/$t.o"
done
gcc -g -fno-eliminate-unused-debug-types -c drv_split.c -o "$TMP/drv_split.o"
pahole --btf_base=base.btf --btf_encode_detached=drv_split.btf "$TMP/drv_split.o"

clang -g -fno-eliminate-unused-debug-types -c t_same.c -o "$TMP/t_same_clang.o"
pahole --btf_encode_detached=t_same_clang.btf "$TMP/t_same_clang.o"
clang -target bpfeb -g -fno-eliminate-unused-debug-types -I"$MULTIARCH_INC" -c t_moved.c -o "$TMP/t_moved_be.o"
pahole --btf_encode_detached=t_moved_be.btf "$TMP/t_moved_be.o"

chmod 0644 ./*.o ./*.btf
echo "built: $(ls ./*.o ./*.btf | tr '\n' ' ')"
