#!/usr/bin/env bash
# Proves DIME's CUDA path on the GPU machine (an H100/H200 with CUDA 13 and cuDNN 9, no dotnet, at most 64 MiB of
# files per call). Run here; it publishes the benchmarks (src/Dime.Benchmarks, which carry the daemon's assemblies)
# self-contained for linux-x64, checks that the publish carries no Windows natives, packs it with
# ../shared/tools/gpu-kit into .gpu/ (ignored by git) and prints the two device calls to make back to back. Not used
# by the build or the tests.
#
#   bash scripts/gpu-check.sh                 publish, pack, print the calls
#   bash scripts/gpu-check.sh --simulate      also rehearse both calls on this machine (CUDA falls back to CPU here)
#   bash scripts/gpu-check.sh --tests         on a machine with CUDA and the .NET SDK: the tests that depend on the
#                                             device (xunit trait Device=Cuda), which assert CUDA where the machine
#                                             offers it (tests/Dime.Inference.Tests/CudaMachine.cs) and the fallback
#                                             elsewhere; the lent GPU machine has no dotnet, so there the benchmark's
#                                             logit comparison below is the check
#
# The second call runs, on the GPU machine, three benchmarks of the demo model (demo/models/clean, committed, so it
# travels with the repository copy):
#   1. --device cuda --tf32 off --compare-device cpu : throughput and workload on CUDA, and the CUDA logits against
#      the CPU's on the same inputs, relative L2 <= 1e-6 (exit code 3 otherwise);
#   2. --device cuda --tf32 on  --compare-device cpu : the same with TF32 (CUDA's default), tolerance 1e-3;
#   3. --device cpu                                  : the CPU figures of the same machine, for the ratio.
# Results come back under $OUT: go.log and bench-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
kit="${GPU_KIT:-$repo/../shared/tools/gpu-kit}"
out=".gpu"
publish="${PUBLISH_DIR:-/tmp/dime-bench-publish}"
model="demo/models/clean/manifest.json"
simulate=0
for arg in "$@"; do
  case "$arg" in
    --simulate) simulate=1 ;;
    --tests)
      dotnet build tests/Dime.Inference.Tests -c Release | tail -2
      exec dotnet test tests/Dime.Inference.Tests -c Release --no-build --filter "Device=Cuda" --logger "console;verbosity=normal" ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

[[ -x "$kit/pack.sh" || -f "$kit/pack.sh" ]] || { echo "gpu-kit not found at $kit (set GPU_KIT)" >&2; exit 1; }
[[ -f "$model" ]] || { echo "$model is missing: the demo models come from main (demo/models)" >&2; exit 1; }
mkdir -p "$out"
git check-ignore -q "$out/x" || { echo "$out/ must be ignored by git (add /.gpu/ to .gitignore)" >&2; exit 1; }

echo "== publishing the benchmarks (self-contained, linux-x64) to $publish"
rm -rf "$publish"
dotnet publish src/Dime.Benchmarks -c Release -r linux-x64 --self-contained true -p:DebugType=none -o "$publish" | tail -2

# A linux-x64 publish must not carry Windows natives (src/Dime.Inference references ORT's parts per platform).
windows=$(find "$publish" -maxdepth 1 \( -iname 'onnxruntime*.dll' -o -iname '*.lib' \) | head -5)
[[ -z "$windows" ]] || { echo "Windows natives in the linux-x64 publish:" >&2; echo "$windows" >&2; exit 1; }
[[ -f "$publish/libonnxruntime.so" && -f "$publish/libonnxruntime_providers_cuda.so" ]] || { echo "the publish lacks ONNX Runtime's GPU natives" >&2; exit 1; }
rm -f "$publish"/*.pdb "$publish"/*.xml

echo "== packing with $kit"
bash "$kit/pack.sh" "$publish" "$out"
git status --short --ignored "$out" | grep -q '^!!' || { echo "$out is not ignored" >&2; exit 1; }

# every $ is expanded by the call's shell at the repository root, before run.sh moves into the unpacked app
run='bash .gpu/run.sh go -- ./Dime.Benchmarks $M --seconds 1'
go_command="set -o pipefail; M=\$PWD/$model; { $run --device cuda --tf32 off --compare-device cpu --json \$OUT/bench-cuda-fp32.json && $run --device cuda --tf32 on --compare-device cpu --json \$OUT/bench-cuda-tf32.json && $run --device cpu --full-fraction 0.25 --json \$OUT/bench-cpu.json; } 2>&1 | tee \$OUT/go.log"
(( ${#go_command} < 2000 )) || { echo "call 2's command is too long for the device tool" >&2; exit 1; }

cat <<CALLS

== the two device calls, back to back (the machine is given back after about 30 s idle):

call 1  carry:   [".gpu/cuda_provider.so.xz", ".gpu/run.sh", ".gpu/SHA256SUMS"]
        command: bash .gpu/run.sh stage
        timeout: 180

call 2  carry:   [".gpu/app.tar.xz", ".gpu/SHA256SUMS", ".gpu/run.sh"]
        command: $go_command
        timeout: 480

Expect in go.log: nvidia-smi's GPU name, every CUDA library resolved, then per benchmark "on cuda:0" (not
"cpu (auto: ...)"), the throughput tables, the workload times, and "logits cuda:0 ... vs cpu ...: OK".
CALLS

if [[ "$simulate" == 1 ]]; then
  echo "== rehearsing both calls on this machine (no CUDA here: the benchmark runs with --device auto)"
  rm -rf /tmp/gk /tmp/dime-sim1 /tmp/dime-sim2
  mkdir -p /tmp/dime-sim1/.gpu /tmp/dime-sim2/.gpu /tmp/dime-sim2/demo
  cp "$out"/{cuda_provider.so.xz,run.sh,SHA256SUMS} /tmp/dime-sim1/.gpu/
  cp "$out"/{app.tar.xz,SHA256SUMS,run.sh} /tmp/dime-sim2/.gpu/
  cp -r demo/models /tmp/dime-sim2/demo/
  (cd /tmp/dime-sim1 && bash .gpu/run.sh stage)
  mkdir -p /tmp/dime-sim2/out
  (cd /tmp/dime-sim2 && OUT=/tmp/dime-sim2/out && set -o pipefail && bash .gpu/run.sh go -- ./Dime.Benchmarks "$PWD/$model" --device auto --compare-device cpu --seconds 0.2 --batch-sizes 1,101 --full-fraction 0.01 --json "$OUT/bench.json" 2>&1 | tee "$OUT/go.log")
fi
