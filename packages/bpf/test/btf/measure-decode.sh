#!/bin/sh
# Measurement (not a test): decodeBtf of /sys/kernel/btf/vmlinux vs libbpf's parse as timed by
# `bpftool btf dump file /sys/kernel/btf/vmlinux format raw > /dev/null`.
# Usage: sh packages/bpf/test/btf/measure-decode.sh [runs]
# Compiles packages/bpf to a temp dir with tsc, warms up, prints the median of the timed runs.
set -eu
runs=${1:-9}
root=$(cd "$(dirname "$0")/../../../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$root"
npx tsc -p packages/bpf/tsconfig.json --outDir "$out/dist" --tsBuildInfoFile "$out/tsbuildinfo" >/dev/null 2>&1 || true
ln -s "$root/node_modules" "$out/node_modules"
cat > "$out/measure.mjs" <<JS
import { readFileSync } from "node:fs"
import { Result } from "effect"
const { decodeBtf } = await import("$out/dist/btf/BtfDecoder.js")
const bytes = new Uint8Array(readFileSync("/sys/kernel/btf/vmlinux"))
for (let i = 0; i < 5; i++) decodeBtf(bytes) // warm-up
const times = []
for (let i = 0; i < $runs; i++) {
  const t0 = performance.now()
  const r = decodeBtf(bytes)
  times.push(performance.now() - t0)
  if (!Result.isSuccess(r)) throw new Error("decode failed")
}
times.sort((a, b) => a - b)
console.log("decodeBtf(vmlinux): median " + times[times.length >> 1].toFixed(1) + " ms, min " + times[0].toFixed(1) + " ms over $runs runs (" + bytes.length + " bytes)")
JS
node "$out/measure.mjs"
i=0
ts=""
while [ $i -lt "$runs" ]; do
  s=$(date +%s%N)
  bpftool btf dump file /sys/kernel/btf/vmlinux format raw > /dev/null
  e=$(date +%s%N)
  ts="$ts $(( (e - s) / 1000 ))"
  i=$((i + 1))
done
echo "$ts" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "bpftool btf dump format raw > /dev/null: median %.1f ms, min %.1f ms over %d runs\n", a[int((NR+1)/2)]/1000, a[1]/1000, NR}'
