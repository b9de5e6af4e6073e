#!/usr/bin/env bash
# Builds extension/dime-vscode.vsix from this tree: stages the daemon (linux-x64, self-contained, without
# GPU providers) and the demo, bundles in production mode and packages offline with vsce.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash scripts/stage-daemon.sh
bash scripts/stage-demo.sh
npm run --silent package
echo "packaged $(pwd)/dime-vscode.vsix ($(du -h dime-vscode.vsix | cut -f1))"
