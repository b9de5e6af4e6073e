#!/usr/bin/env bash
# Publishes the daemon self-contained for linux-x64 (no .NET needed on the nodes): scripts/slurm/publish.sh [DIR]
# The default DIR is artifacts/daemon-linux-x64; the command-line tool is DIR/Dime.Daemon.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${1:-$root/artifacts/daemon-linux-x64}"
dotnet publish "$root/src/Dime.Daemon/Dime.Daemon.csproj" -c Release -r linux-x64 --self-contained -o "$target" -v quiet -nologo >&2
echo "$target/Dime.Daemon"
