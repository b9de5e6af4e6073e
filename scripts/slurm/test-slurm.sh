#!/usr/bin/env bash
# The Slurm scripts on a real one-node Slurm (Debian's slurm-wlm and munge, run as root): starts its own munged,
# slurmctld and slurmd on localhost (2 CPUs; config, state, spool, pid and log files under a temp folder), then
#   1. queues a 4-task explain-dataset array over 40 demo samples and its merge job; the merged output must equal
#      a single-process run (and the same for the EMAP overview, `dataset`);
#   2. queues the array again, cancels one task mid-run, resubmits that shard; the merged output must be complete and
#      equal, and no sample computed twice.
# Everything it started is stopped at the end, also on failure. Prints "N passed, N failed".
#   bash scripts/slurm/test-slurm.sh        (KEEP=1 keeps the temp folder)
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
started=$(date +%s)
passed=0; failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
give_up() { fail "$1"; finish; }

work="$(mktemp -d /tmp/dime-slurm.XXXXXX)"
export SLURM_CONF="$work/slurm.conf"
finish() {
  if [[ -f "$work/run/slurmctld.pid" ]]; then scancel --user=root --quiet 2>/dev/null; sleep 1; fi
  for daemon in slurmd slurmctld munged; do
    if [[ -f "$work/run/$daemon.pid" ]] && pid=$(cat "$work/run/$daemon.pid") && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  [[ "${KEEP:-0}" == 1 ]] && echo "kept $work" || rm -rf "$work"
  echo "== slurm suite took $(( $(date +%s) - started )) s"
  echo "$passed passed, $failed failed"
  trap - EXIT
  [[ "$failed" == 0 ]]; exit
}
trap finish EXIT
trap 'fail "interrupted"; finish' INT TERM

# --- prerequisites: root, slurm-wlm and munge, node, a self-contained daemon ---------------------------------------
[[ $(id -u) == 0 ]] || give_up "the one-node Slurm runs as root (SlurmUser=root); run this suite as root"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  fi
fi
command -v slurmctld >/dev/null && command -v munged >/dev/null || give_up "slurm-wlm and munge are not installed (apt-get install slurm-wlm munge)"
echo "== publishing the daemon self-contained"
t0=$(date +%s)
bin="$("$root/scripts/slurm/publish.sh")" || give_up "dotnet publish -r linux-x64 --self-contained failed"
echo "   published in $(( $(date +%s) - t0 )) s: $bin"
check "the daemon is published self-contained (its own .NET runtime) and runs" \
  bash -c "test -f '$(dirname "$bin")/libcoreclr.so' && env -i PATH=/usr/bin:/bin '$bin' merge --help >/dev/null"

# --- a one-node cluster of our own ---------------------------------------------------------------------------------
mkdir -p "$work"/{run,log,state,spool,out}
free_port() { local p; while :; do p=$((20000 + RANDOM % 20000)); ss -ltn 2>/dev/null | grep -q ":$p " || { echo "$p"; return; }; done; }
ctld_port=$(free_port); slurmd_port=$(free_port)
while [[ "$slurmd_port" == "$ctld_port" ]]; do slurmd_port=$(free_port); done
host="$(hostname -s)"
head -c 1024 /dev/urandom > "$work/munge.key"; chmod 400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/run/munge.sock" --pid-file="$work/run/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/run/munged.seed" || give_up "munged did not start (see $work/log/munged.log)"
munge --socket="$work/run/munge.sock" -n | unmunge --socket="$work/run/munge.sock" >/dev/null || give_up "munge credentials do not decode"
cat > "$SLURM_CONF" <<CONF
ClusterName=dimetest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/run/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
KillWait=5
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -c || give_up "slurmctld did not start (see $work/log/slurmctld.log)"
slurmd -c || give_up "slurmd did not start (see $work/log/slurmd.log)"
for _ in $(seq 60); do [[ "$(sinfo -h -o %t 2>/dev/null)" == idle ]] && break; sleep 1; done
check "the one-node Slurm is up (sinfo: idle)" test "$(sinfo -h -o %t 2>/dev/null)" == idle

# --- helpers ---------------------------------------------------------------------------------------------------------
model="$root/demo/models/clean/manifest.json"; dataset="$root/demo/dataset/samples.jsonl"
options=(--model "$model" --dataset "$dataset" --range 0:40 --image-samples 100 --text-samples 100 --reference-size 10)
submit() { "$root/scripts/slurm/submit.sh" --bin "$bin" --cpus-per-task 1 "$@"; }
job_id() { sed -n "s/^$1 job: \([0-9]*\).*/\1/p" <<<"$2"; }
# Waits until none of the jobs is pending or running (no accounting here: squeue shows the live ones).
wait_jobs() {
  local ids="$1" deadline=$(( $(date +%s) + ${2:-420} ))
  while [[ -n "$(squeue -h -j "$ids" -t PENDING,RUNNING,CONFIGURING,COMPLETING,REQUEUED 2>/dev/null)" ]]; do
    (( $(date +%s) < deadline )) || { echo "jobs $ids still running after the deadline"; squeue; return 1; }
    sleep 2
  done
}
# The states of a job's tasks as scontrol reports them, one per line.
states() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
all_completed() { local s; s="$(states "$1")"; [[ -n "$s" ]] && ! grep -qv '^COMPLETED$' <<<"$s"; }
equal_outputs() { node "$root/scripts/slurm/compare-outputs.mjs" "$1" "$2"; }

# --- 1. single process vs a 4-task array and its merge ----------------------------------------------------------------
t0=$(date +%s)
"$bin" --cache "$work/cache-single" --log-level warning explain-dataset "${options[@]}" --out "$work/out/single" | grep '^explain-dataset:'
single_s=$(( $(date +%s) - t0 ))
"$bin" --cache "$work/cache-single" --log-level warning dataset "${options[@]:0:6}" --out "$work/out/emap-single" >/dev/null
t0=$(date +%s)
queued="$(submit --out "$work/out/run1" --shards 4 -- "${options[@]}")"; echo "$queued"
array=$(job_id array "$queued"); merge=$(job_id merge "$queued")
check "submit.sh prints the array and merge job ids" test -n "$array" -a -n "$merge"
wait_jobs "$array,$merge"
array_s=$(( $(date +%s) - t0 ))
check "all 4 array tasks completed" all_completed "$array"
check "the merge job ran after them and completed" all_completed "$merge"
check "the merged output equals the single-process run" equal_outputs "$work/out/run1/merged" "$work/out/single"
check "each of the 4 array tasks ran one shard" test "$(grep -h '^dime-shard:' "$work"/out/run1/logs/shard-*.out | wc -l)" == 4
echo "   single process: ${single_s} s; 4 shards on Slurm with merge: ${array_s} s"

queued="$(submit --command dataset --out "$work/out/emap" --shards 4 -- "${options[@]:0:6}")"; echo "$queued"
wait_jobs "$(job_id array "$queued"),$(job_id merge "$queued")"
check "the EMAP overview in 4 shards, merged, equals one process" equal_outputs "$work/out/emap/merged" "$work/out/emap-single"

# --- 2. one task cancelled mid-run, its shard resubmitted -------------------------------------------------------------
queued="$(submit --out "$work/out/run2" --shards 4 -- "${options[@]}")"; echo "$queued"
array=$(job_id array "$queued"); merge=$(job_id merge "$queued")
index="$work/out/run2/shard-0001/index.jsonl"
for _ in $(seq 300); do [[ -f "$index" && $(wc -l < "$index") -ge 2 ]] && break; sleep 0.5; done
scancel "${array}_1"
echo "   cancelled task ${array}_1 after $(wc -l < "$index") of its 10 samples"
wait_jobs "$array,$merge"
check "the cancelled task's merge job did not run" test ! -e "$work/out/run2/merged"
check "merging without the cancelled shard's samples is refused" bash -c "! '$bin' merge --out '$work/out/run2/refused' '$work'/out/run2/shard-* 2>&1 | tee /dev/stderr | grep -q '^merged'"
queued="$(submit --tasks 1 --out "$work/out/run2" --shards 4 -- "${options[@]}")"; echo "$queued"
array2=$(job_id array "$queued"); merge2=$(job_id merge "$queued")
wait_jobs "$array2,$merge2"
check "the resubmitted shard and the merge completed" all_completed "$array2"
check "the merged output is complete and equals the single-process run" equal_outputs "$work/out/run2/merged" "$work/out/single"
resumed="$(grep -h '^explain-dataset: shard 1/4' "$work"/out/run2/logs/shard-1-job"$array2".out)"
echo "   resubmitted shard: $resumed"
skipped=$(sed -n 's/.*skipped \([0-9]*\).*/\1/p' <<<"$resumed")
check "the resubmitted shard skipped the samples stored before the cancel" test "${skipped:-0}" -ge 2
stored="$(grep -ho 'explain-dataset: sample [0-9]* stored' "$work"/out/run2/logs/shard-*.out | awk '{print $3}' | sort -n)"
check "every sample was computed exactly once over all tasks (40 stored, 40 distinct)" \
  test "$(wc -l <<<"$stored")" == 40 -a "$(uniq <<<"$stored" | wc -l)" == 40
