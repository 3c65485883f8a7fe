#!/usr/bin/env bash
# Stop the cluster cluster_start.sh DIR started: cancel its jobs, then end slurmd,
# slurmctld and munged by the PIDs in their pid files under DIR (nothing else).
#   cluster_stop.sh DIR
. "$(dirname "$0")/../cli/lib.sh"
dir=${1:?usage: cluster_stop.sh DIR}
export SLURM_CONF=$dir/slurm.conf
if [ -s "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
  scancel --quiet --full --partition=test 2>/dev/null
  for _ in $(seq 100); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.1; done
fi
# stop_pid FILE: TERM the process FILE names and wait (up to 10 s) until it has gone.
stop_pid() {
  local pid
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  fail "process $pid ($1) did not stop"
}
stop_pid "$dir/slurmd.pid"
stop_pid "$dir/slurmctld.pid"
stop_pid "$dir/munge/munged.pid"
echo "Slurm stopped in $dir"
