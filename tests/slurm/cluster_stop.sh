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
# stop NAME.pid...: TERM the processes the pid files name, if each still is the daemon
# NAME (not a process that reused the number of one that died), and wait (up to 10 s)
# until all have gone.
stop() {
  local f pid alive pids=()
  for f in "$@"; do
    pid=$(cat "$f" 2>/dev/null) || continue
    [ "$(ps -o comm= -p "$pid")" = "$(basename "$f" .pid)" ] && kill -TERM "$pid" && pids+=("$pid")
  done
  for _ in $(seq 100); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  fail "processes ${alive[*]} ($*) did not stop"
}
# The Slurm daemons first, munged (their authentication) last.
stop "$dir/slurmd.pid" "$dir/slurmctld.pid"
stop "$dir/munge/munged.pid"
echo "Slurm stopped in $dir"
