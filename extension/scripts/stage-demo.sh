#!/usr/bin/env bash
# Copies the demo models and dataset from the repository's demo/ into extension/demo/ (git-ignored),
# so the VSIX carries them. Training checkpoints (*.pt) stay out: the daemon needs only the ONNX
# graphs, the manifests and the vocabularies.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${DIME_DEMO_SRC:-$(cd "$here/.." && pwd)/demo}"
out="$here/demo"

for need in models/clean/manifest.json models/biased/manifest.json dataset/samples.jsonl; do
  if [[ ! -f "$src/$need" ]]; then
    echo "missing $src/$need: the demo models and dataset are produced by demo/training/train.py" >&2
    exit 1
  fi
done

rm -rf "$out"
mkdir -p "$out/models"
for model in clean biased; do
  mkdir -p "$out/models/$model"
  find "$src/models/$model" -maxdepth 1 -type f ! -name '*.pt' ! -name '*.pth' -exec cp {} "$out/models/$model/" \;
done
cp -r "$src/dataset" "$out/dataset"
for f in report.md report.json; do
  [[ -f "$src/$f" ]] && cp "$src/$f" "$out/"
done
echo "staged the demo in $out ($(du -sh "$out" | cut -f1))"
