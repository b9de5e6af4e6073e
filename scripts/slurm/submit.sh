#!/usr/bin/env bash
# Queues a DIME run on Slurm: an array job with one task per shard, and a merge job that starts when all of them
# succeeded (--dependency=afterok). Prints the two job ids. See docs/slurm.md.
#
#   scripts/slurm/submit.sh --bin DAEMON --out DIR --shards N [options] -- [flags of the daemon command]
#
#   --bin PATH           the daemon published self-contained (scripts/slurm/publish.sh writes one)
#   --out DIR            the run's folder on the shared filesystem (shard-XXXX/, logs/, merged/)
#   --shards N           how many shards (array tasks)
#   --command C          explain-dataset (default) or dataset
#   --tasks LIST         only these array indices, e.g. 2 or 1,3 (to resubmit shards; default 0-(N-1))
#   --max-running K      at most K tasks at once (the %K of --array)
#   --cpus-per-task C    CPUs per task (default 1)
#   --gpus-per-task G    request G GPUs per task with --gres=gpu:G and run the daemon with --device cuda
#   --partition P, --time T, --mem M   passed to sbatch
#   --cache DIR          the daemon's cache folder on each node (default: node-local $TMPDIR)
#   --no-merge           queue only the array
# Everything after -- goes to the daemon command: --model, --dataset, --range, explanation options.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="" out="" shards="" command="explain-dataset" tasks="" max_running="" cpus=1 gpus=0 cache="" merge=1
sbatch_extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --shards) shards="$2"; shift 2 ;;
    --command) command="$2"; shift 2 ;;
    --tasks) tasks="$2"; shift 2 ;;
    --max-running) max_running="$2"; shift 2 ;;
    --cpus-per-task) cpus="$2"; shift 2 ;;
    --gpus-per-task) gpus="$2"; shift 2 ;;
    --partition|--time|--mem) sbatch_extra+=("$1=$2"); shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    --no-merge) merge=0; shift ;;
    --) shift; break ;;
    *) echo "submit.sh: unknown option $1 (see the comment at the top of this script)" >&2; exit 2 ;;
  esac
done
[[ -n "$bin" && -n "$out" && -n "$shards" ]] || { echo "submit.sh: --bin, --out and --shards are required" >&2; exit 2; }
[[ -x "$bin" ]] || { echo "submit.sh: $bin is not an executable (publish the daemon: scripts/slurm/publish.sh)" >&2; exit 2; }
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: --shards must be a positive number" >&2; exit 2; }
[[ "$command" == explain-dataset || "$command" == dataset ]] || { echo "submit.sh: --command is explain-dataset or dataset" >&2; exit 2; }
for arg in "$@"; do [[ "$arg" != *[[:space:]]* ]] || { echo "submit.sh: daemon flags may not contain spaces ('$arg')" >&2; exit 2; }; done

bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"
array="${tasks:-0-$((shards - 1))}${max_running:+%$max_running}"
device=auto
resources=(--cpus-per-task="$cpus")
if [[ "$gpus" != 0 ]]; then resources+=(--gres="gpu:$gpus"); device=cuda; fi
export DIME_BIN="$bin" DIME_COMMAND="$command" DIME_SHARDS="$shards" DIME_OUT="$out" DIME_ARGS="$*" DIME_DEVICE="$device"
[[ -n "$cache" ]] && export DIME_CACHE="$cache"

array_id=$(sbatch --parsable --export=ALL --array="$array" "${resources[@]}" "${sbatch_extra[@]}" \
  --output="$out/logs/shard-%a-job%A.out" "$here/shard.sbatch")
array_id="${array_id%%;*}"
echo "array job: $array_id (tasks $array of $shards shards, $command)"
if [[ "$merge" == 1 ]]; then
  merge_id=$(sbatch --parsable --export=ALL --dependency="afterok:$array_id" --kill-on-invalid-dep=yes "${sbatch_extra[@]}" \
    --output="$out/logs/merge-job%j.out" "$here/merge.sbatch")
  merge_id="${merge_id%%;*}"
  echo "merge job: $merge_id (after array job $array_id succeeds; output $out/merged)"
fi
