#!/usr/bin/env bash
# The main job on the bundled demo: builds the daemon, then explains with DIME
#  1. a sample with the clean mini-CLEVR model,
#  2. a shortcut probe ("is there a red ...?", answer no) with the clean and with the biased model,
#  3. the first 100 samples of the dataset (EMAP overview) with the biased model.
# Everything lands in artifacts/demo/: result.json, overlay PNGs and report.html per explanation.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/demo
echo "== building the daemon (Release)"
dotnet build src/Dime.Daemon -c Release --nologo -v quiet -clp:ErrorsOnly
dime() { dotnet src/Dime.Daemon/bin/Release/net10.0/Dime.Daemon.dll "$@" --cache "$out/cache" --log-level warning; }

# the first shortcut probe whose answer is "no"
probe=$(grep -n '"probe": "shortcut"' demo/dataset/samples.jsonl | grep '"answer": "no"' | head -1 | cut -d: -f1)
probe=$((probe - 1))

echo; echo "== 1. a sample, clean model"
dime explain --model demo/models/clean/manifest.json --dataset demo/dataset/samples.jsonl --index 3 --out "$out/clean-3"
echo; echo "== 2. a shortcut probe (sample $probe), clean model, then biased model"
dime explain --model demo/models/clean/manifest.json --dataset demo/dataset/samples.jsonl --index "$probe" --out "$out/clean-probe"
dime explain --model demo/models/biased/manifest.json --dataset demo/dataset/samples.jsonl --index "$probe" --out "$out/biased-probe"
echo; echo "== 3. dataset overview (EMAP) of the biased model"
dime dataset --model demo/models/biased/manifest.json --dataset demo/dataset/samples.jsonl --count 100 --out "$out/dataset-biased"
echo; echo "Open the reports: $out/*/report.html and $out/dataset-biased/dataset.html"
