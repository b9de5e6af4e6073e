#!/usr/bin/env bash
# Runs every test suite of the repository and prints one final line: "N passed, N failed".
#   bash scripts/test-all.sh            all suites
#   bash scripts/test-all.sh dotnet     only the .NET suites
#   bash scripts/test-all.sh extension  only the extension suites (ESLint, unit, webview, end to end in code-server)
#   bash scripts/test-all.sh slurm      only the Slurm suite (a one-node Slurm on this machine; needs root)
set -uo pipefail
cd "$(dirname "$0")/.."
only="${1:-all}"
results="$(mktemp -d)"
passed=0; failed=0

# Adds one suite's counts to the totals; a suite that printed no summary counts as one failure.
record() {
  local name="$1" log="$2" status="$3" p f
  if [[ "$name" == dotnet:* ]]; then
    p=$(grep -Eo 'Passed: +[0-9]+' "$log" | grep -Eo '[0-9]+' | tail -1)
    f=$(grep -Eo 'Failed: +[0-9]+' "$log" | grep -Eo '[0-9]+' | tail -1)
    s=$(grep -Eo 'Skipped: +[0-9]+' "$log" | grep -Eo '[0-9]+' | tail -1)
    f=$(( ${f:-0} + ${s:-0} ))   # a skipped test is not a passed one
  elif [[ "$name" == *:lint ]]; then
    # a lint run is one check when clean; otherwise each problem it reports counts as a failure
    f=$(grep -Eo '[0-9]+ problems?' "$log" | grep -Eo '[0-9]+' | tail -1)
    if [[ "$status" == 0 ]]; then p=1; f=0; else p=0; f=${f:-1}; fi
  else
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
  fi
  if [[ -z "${p:-}" ]]; then p=0; f=$(( ${f:-0} + 1 )); echo "!! $name printed no test summary (counted as 1 failure)"; fi
  if [[ "$status" != 0 && "${f:-0}" == 0 ]]; then f=1; echo "!! $name exited with $status (counted as 1 failure)"; fi
  echo "== $name: $p passed, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
}

run_suite() {
  local name="$1"; shift
  local log="$results/${name//[:\/]/_}.log"
  echo "== $name: $*"
  "$@" 2>&1 | tee "$log"
  record "$name" "$log" "${PIPESTATUS[0]}"
}

# Set-up: Debian's Chromium drives the webview and VS Code tests; code-server's native modules need Kerberos headers.
if [[ "$only" != dotnet ]] && { ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; }; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing chromium and libkrb5-dev"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium libkrb5-dev >/dev/null
  else
    echo "!! the extension tests need Debian's chromium and libkrb5-dev: sudo apt-get install chromium libkrb5-dev"
  fi
fi

# Set-up: the Slurm suite runs a one-node cluster from Debian's slurm-wlm and munge.
if [[ "$only" == all || "$only" == slurm ]] && { ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; }; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  else
    echo "!! the Slurm suite needs Debian's slurm-wlm and munge, and root: sudo apt-get install slurm-wlm munge"
  fi
fi

if [[ "$only" == all || "$only" == dotnet ]]; then
  dotnet build Dime.sln -c Release 2>&1 | tail -3
  for project in tests/*/*.csproj; do
    run_suite "dotnet:$(basename "$project" .csproj)" dotnet test "$project" -c Release --no-build --logger "console;verbosity=normal"
  done
fi

if [[ "$only" == all || "$only" == extension ]]; then
  if [[ -f extension/package.json ]]; then
    (cd extension && npm ci --no-audit --no-fund >/dev/null && npm run build >/dev/null) || { echo "!! extension build failed"; failed=$((failed + 1)); }
    for suite in lint test test:webview test:e2e; do
      if (cd extension && npm run | grep -q "^  $suite\$"); then
        run_suite "extension:$suite" npm --prefix extension run --silent "$suite"
      fi
    done
  fi
fi

if [[ "$only" == all || "$only" == slurm ]]; then
  run_suite "slurm" bash scripts/slurm/test-slurm.sh
fi

rm -rf "$results"
echo "$passed passed, $failed failed"
[[ "$failed" == 0 ]]
