#!/bin/sh
# Rebuild the object-loader fixtures (one command): sh packages/bpf/test/object/testdata/build.sh
# Needs clang (14) with the libbpf-dev headers. The .o files are committed; the tests read them.
#   progs maps globals kfunc core  -> NAME.o (clang -O2 -g -target bpf, little-endian)
#   progs maps globals             -> NAME.bpfeb.o (-target bpfeb)
#   bad.bpf.c                      -> bad_VARIANT.o, one per -DBAD_VARIANT
set -eu
cd "$(dirname "$0")"
inc="-I/usr/include/$(gcc -dumpmachine)"
bpf() { # $1 source stem, $2 target, $3 output, $4.. extra flags
  src=$1 target=$2 out=$3
  shift 3
  clang -O2 -g -target "$target" -fdebug-prefix-map="$PWD"=. $inc "$@" -c "$src.bpf.c" -o "$out"
}
for p in progs maps globals kfunc core; do bpf "$p" bpf "$p.o"; done
for p in progs maps globals; do bpf "$p" bpfeb "$p.bpfeb.o"; done
for v in NOLICENSE KSYMVAR KCONFIG UNKNOWNSEC GPLONLY GPLTASK KFUNC_NONGPL STATIC MAPKEY LEGACYMAPS; do
  bpf bad bpf "bad_$(echo $v | tr 'A-Z' 'a-z').o" "-DBAD_$v"
done
chmod 0644 ./*.o
echo "built: $(ls ./*.o | tr '\n' ' ')"
