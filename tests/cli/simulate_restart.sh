#!/usr/bin/env bash
# Checkpoint and restart: a run stopped by SIGUSR1 (Slurm's warning) or killed with
# SIGKILL resumes from its checkpoint, at another rank count, and writes exactly the
# file an uninterrupted run writes. A checkpoint of another run is refused.
. "$(dirname "$0")/lib.sh"
opts=(-model hopf -connectome_type smallworld -connectome_n 40 -ring_circumference 400 -delay gamma -max_delay 0.2
      -G 0.05 -hopf_a -0.1 -hopf_beta 0.05 -dt 1e-3 -duration 200 -transient 0.5 -initial normal
      -monitor_raw_period 1e-2 -monitor_tavg_period 5e-2 -monitor_bold_tr 0.5)
rm -f rs_ref.h5 rs_sig.h5* rs_kill.h5*
run mpiexec -n 2 "$NETMASS" simulate "${opts[@]}" -o rs_ref.h5 >/dev/null

# wait_checkpoint FILE: until the run has written its first periodic checkpoint
wait_checkpoint() { for _ in $(seq 600); do [ -s "$1" ] && return 0; sleep 0.05; done; fail "no checkpoint $1 appeared"; }

# 1. SIGUSR1: checkpoint now, keep the partial output, exit with a message
mpiexec -n 2 "$NETMASS" simulate "${opts[@]}" -checkpoint_interval 10 -o rs_sig.h5 >/dev/null 2>rs_sig.err &
pid=$!
wait_checkpoint rs_sig.h5.checkpoint
pkill -USR1 -P $pid -x netmass  # only this run's ranks: other tests run beside it
wait $pid && fail "a run stopped by SIGUSR1 exited with status 0"
grep -q "stopped by signal 10 at step" rs_sig.err || fail "no checkpoint message: $(cat rs_sig.err)"
[ -s rs_sig.h5.partial ] && [ ! -e rs_sig.h5 ] || fail "partial output not kept (or a final file appeared)"
run mpiexec -n 3 "$NETMASS" simulate "${opts[@]}" -checkpoint_interval 10 -restart -o rs_sig.h5 | grep -q "resuming at step" || fail "did not resume"

# 2. SIGKILL: no warning; the last periodic checkpoint is the restart point
mpiexec -n 2 "$NETMASS" simulate "${opts[@]}" -checkpoint_interval 10 -o rs_kill.h5 >/dev/null 2>&1 &
pid=$!
wait_checkpoint rs_kill.h5.checkpoint
pkill -KILL -P $pid -x netmass
wait $pid 2>/dev/null
[ ! -e rs_kill.h5 ] || fail "a killed run left a final file"
run mpiexec -n 1 "$NETMASS" simulate "${opts[@]}" -checkpoint_interval 10 -restart -o rs_kill.h5 >/dev/null

for f in rs_sig.h5 rs_kill.h5; do
  [ "$(attr $f complete)" = 1 ] || fail "$f incomplete"
  for d in /raw /tavg /bold; do h5diff rs_ref.h5 $f $d $d >/dev/null || fail "$f: $d differs from the uninterrupted run"; done
  [ ! -e $f.checkpoint ] && [ ! -e $f.partial ] || fail "$f: checkpoint or partial file left after completion"
done

# 3. a checkpoint is only resumed by the run that wrote it
mpiexec -n 2 "$NETMASS" simulate "${opts[@]}" -checkpoint_interval 10 -o rs_other.h5 >/dev/null 2>&1 &
pid=$!
wait_checkpoint rs_other.h5.checkpoint
pkill -KILL -P $pid -x netmass
wait $pid 2>/dev/null
out=$(mpiexec -n 2 "$NETMASS" simulate "${opts[@]}" -dt 2e-3 -checkpoint_interval 10 -restart -o rs_other.h5 2>&1) && fail "resumed a checkpoint of another run"
grep -q "has dt = 0.001 but this run has 0.002" <<<"$out" || fail "mismatch not explained: $out"
rm -f rs_other.h5*
echo OK
