#!/usr/bin/env bash
# Measures what sharding costs on this machine, without Slurm: one process against 4 shards run P at a time
# (P = number of CPUs by default) and their merge, for explain-dataset and for the EMAP overview (dataset).
# Prints wall times, the overhead of the split and the merge, the time per sample and the output sizes per
# 1,000 samples (extrapolated linearly from the run).
#   scripts/slurm/bench-shards.sh [SAMPLES [EMAP_SAMPLES]]     (defaults: 40 and 300; BIN=... to skip publishing)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
samples="${1:-40}"; emap_samples="${2:-300}"; parallel="${P:-$(nproc)}"; shards=4
bin="${BIN:-$("$root/scripts/slurm/publish.sh")}"
work="$(mktemp -d /tmp/dime-bench.XXXXXX)"; trap 'rm -rf "$work"' EXIT
model="$root/demo/models/clean/manifest.json"; dataset="$root/demo/dataset/samples.jsonl"
explain=(--image-samples 100 --text-samples 100 --reference-size 10)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
kib() { du -sk "$1" | cut -f1; }
run_shards() { # command, out prefix, flags...
  local command="$1" prefix="$2"; shift 2
  seq 0 $((shards - 1)) | xargs -P "$parallel" -I{} "$bin" --cache "$work/cache-{}" --log-level warning "$command" "$@" --shard "{}/$shards" --out "$prefix-{}" >/dev/null 2>&1
}

echo "machine: $(nproc) CPUs; $shards shards, $parallel at a time; daemon $bin"
t=$(now); "$bin" --cache "$work/cache" --log-level warning explain-dataset --model "$model" --dataset "$dataset" --range "0:$samples" "${explain[@]}" --out "$work/single" >/dev/null 2>&1; single=$(since "$t")
t=$(now); run_shards explain-dataset "$work/shard" --model "$model" --dataset "$dataset" --range "0:$samples" "${explain[@]}"; sharded=$(since "$t")
t=$(now); "$bin" merge --out "$work/merged" "$work"/shard-? >/dev/null; merge=$(since "$t")
node "$root/scripts/slurm/compare-outputs.mjs" "$work/merged" "$work/single" >/dev/null && same=equal || same=DIFFERENT
printf 'explain-dataset, %d samples (%s):\n' "$samples" "${explain[*]}"
printf '  one process          %6s s  (%.2f s per sample)\n' "$single" "$(awk -v a="$single" -v n="$samples" 'BEGIN { print a / n }')"
printf '  4 shards, %d at once  %6s s  (wall; each shard loads the model and prepares its reference set)\n' "$parallel" "$sharded"
printf '  merge                %6s s  (merged output %s to the single process)\n' "$merge" "$same"
printf '  output               %6d KiB -> %.0f MiB per 1,000 samples (index.jsonl %.1f MiB of it)\n' "$(kib "$work/single")" \
  "$(awk -v k="$(kib "$work/single")" -v n="$samples" 'BEGIN { print k / n * 1000 / 1024 }')" \
  "$(awk -v b="$(stat -c %s "$work/single/index.jsonl")" -v n="$samples" 'BEGIN { print b / n * 1000 / 1048576 }')"

t=$(now); "$bin" --cache "$work/cache" --log-level warning dataset --model "$model" --dataset "$dataset" --range "0:$emap_samples" --out "$work/emap-single" >/dev/null 2>&1; single=$(since "$t")
t=$(now); run_shards dataset "$work/emap-shard" --model "$model" --dataset "$dataset" --range "0:$emap_samples"; sharded=$(since "$t")
t=$(now); "$bin" merge --out "$work/emap-merged" "$work"/emap-shard-? >/dev/null; merge=$(since "$t")
node "$root/scripts/slurm/compare-outputs.mjs" "$work/emap-merged" "$work/emap-single" >/dev/null && same=equal || same=DIFFERENT
labels=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$work/emap-single/dataset.json','utf8')).labels.length)")
printf 'dataset (EMAP overview), %d samples, %d labels (grid n x n):\n' "$emap_samples" "$labels"
printf '  one process          %6s s\n' "$single"
printf '  4 shards, %d at once  %6s s  (wall)\n' "$parallel" "$sharded"
printf '  merge                %6s s  (merged output %s to the single process)\n' "$merge" "$same"
printf '  shard partials       %6d KiB in all (rows.bin + columns.bin: 16 x n x labels bytes of columns per shard)\n' "$(du -ck "$work"/emap-shard-?/*.bin | tail -1 | cut -f1)"
printf '  overview output      %6d KiB (samples.jsonl %.0f KiB per 1,000 samples)\n' "$(( $(kib "$work/emap-merged") ))" \
  "$(awk -v b="$(stat -c %s "$work/emap-merged/samples.jsonl")" -v n="$emap_samples" 'BEGIN { print b / n * 1000 / 1024 }')"
