#!/usr/bin/env bash
# Publishes the daemon for the VSIX into extension/daemon/ (git-ignored): linux-x64, self-contained,
# without what a CPU run does not need. The ONNX Runtime CUDA provider (271 MiB) and the TensorRT
# provider are NOT shipped: on a machine with CUDA the daemon falls back to CPU and says why
# (see README.md, "Packaging"). The lead's root build may publish into daemon/ itself; this script is
# the extension's own way to get there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$here/.." && pwd)"
out="$here/daemon"
rid="${DIME_RID:-linux-x64}"

if [[ ! -f "$repo/src/Dime.Daemon/Dime.Daemon.csproj" ]]; then
  echo "no daemon project at $repo/src/Dime.Daemon" >&2
  exit 1
fi

rm -rf "$out"
dotnet publish "$repo/src/Dime.Daemon" -c Release -r "$rid" --self-contained true \
  -p:DebugType=none -p:DebugSymbols=false -p:GenerateDocumentationFile=false -o "$out" --nologo -v quiet

# Strip what a CPU run does not need: GPU providers, Windows natives that NuGet copies anyway, symbols.
removed=0
for pattern in 'libonnxruntime_providers_cuda.so' 'libonnxruntime_providers_tensorrt.so' \
               'onnxruntime*.dll' 'onnxruntime*.lib' 'DirectML*.dll' '*.pdb' '*.dbg'; do
  while IFS= read -r -d '' f; do
    rm -f "$f"
    removed=$((removed + 1))
  done < <(find "$out" -name "$pattern" -print0)
done
find "$out" -type d -empty -delete

exe="$out/Dime.Daemon"
if [[ ! -f "$exe" ]]; then
  echo "publish did not produce $exe" >&2
  exit 1
fi
chmod 755 "$exe"
if [[ -e "$out/libonnxruntime_providers_cuda.so" ]]; then
  echo "the CUDA provider is still in $out" >&2
  exit 1
fi
echo "staged the daemon in $out ($(du -sh "$out" | cut -f1), removed $removed files)"
