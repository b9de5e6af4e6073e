#!/usr/bin/env bash
# The end-to-end suite in one command: installs Node 24 + code-server (once), stages the daemon and the
# demo, packages the VSIX, then runs test/e2e in code-server. Prints "N passed, N failed" last.
#   DIME_E2E_VSIX=path   use that VSIX instead of staging and packaging
#   DIME_E2E_DAEMON=path use that daemon instead of the bundled one (the stub: npm run test:e2e:stub)
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "!! $1" >&2; echo "0 passed, 1 failed"; exit 1; }

bash scripts/install-e2e-tools.sh || fail "installing the e2e tools failed"
if [[ -z "${DIME_E2E_VSIX:-}" ]]; then
  if [[ -z "${DIME_E2E_DAEMON:-}" ]]; then
    bash scripts/stage-daemon.sh || fail "staging the daemon failed"
  fi
  if [[ -f ../demo/models/clean/manifest.json || -n "${DIME_DEMO_SRC:-}" ]]; then
    bash scripts/stage-demo.sh || fail "staging the demo failed"
  fi
  npm run --silent package >/dev/null || fail "packaging the VSIX failed"
fi
node scripts/build.mjs --tests >/dev/null || fail "building the tests failed"
node scripts/run-tests.mjs e2e
