#!/usr/bin/env bash
# jobs/simulate.sbatch through Slurm: the job is warned mid-run as at its time limit
# (SIGUSR1 to the batch shell only, as --signal=B:USR1 does), forwards the signal,
# netmass checkpoints, the job requeues itself, its second run continues from the
# checkpoint, and the final file equals the uninterrupted run's.
. "$(dirname "$0")/lib.sh"
opts=(-model hopf -connectome_type smallworld -connectome_n 16 -ring_circumference 400 -delay gamma -max_delay 0.2
      -G 0.05 -hopf_a -0.1 -hopf_beta 0.05 -dt 1e-3 -duration 30 -transient 0.5 -initial normal
      -monitor_raw_period 1e-2 -monitor_tavg_period 5e-2 -monitor_bold_tr 0.5)
rm -rf sq_ref.h5 sq_out slurm-sq-*.out
run mpiexec -n 2 "$NETMASS" simulate "${opts[@]}" -o sq_ref.h5 >/dev/null

# The periodic checkpoint shows the run is under way; then the warning signal.
submit_wait 150 -n 2 -J sq -o 'slurm-sq-%j.out' "$jobs_dir/simulate.sbatch" sq_out "${opts[@]}" -checkpoint_interval 3 >sq.id &
waiter=$!
for _ in $(seq 600); do [ -s sq_out/simulation.h5.checkpoint ] && break; sleep 0.1; done
id=$(squeue -h -n sq -o %i)
[ -n "$id" ] && [ -s sq_out/simulation.h5.checkpoint ] || fail "the job did not start or wrote no checkpoint: $(cat slurm-sq-*.out 2>/dev/null)"
scancel --signal=USR1 --batch "$id" || fail "could not signal job $id"
wait $waiter || fail "job $id: $(cat sq.id)"
log=slurm-sq-$id.out
grep -q "stopped by signal 10 at step" "$log" || fail "netmass was not stopped by the forwarded signal:"$'\n'"$(cat "$log")"
grep -q "requeueing job $id" "$log" || fail "the job did not requeue itself:"$'\n'"$(cat "$log")"
grep -q "resuming at step" "$log" || fail "the requeued run did not resume from the checkpoint:"$'\n'"$(cat "$log")"
restarts=$(scontrol show job "$id" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
[ "$restarts" = 1 ] || fail "job $id ran $((restarts + 1)) times, expected 2 (one requeue)"
out=sq_out/simulation.h5
[ "$(attr $out complete)" = 1 ] || fail "$out incomplete"
for d in /raw /tavg /bold; do h5diff sq_ref.h5 $out $d $d >/dev/null || fail "$d differs from the uninterrupted run"; done
[ ! -e $out.checkpoint ] && [ ! -e $out.partial ] || fail "checkpoint or partial file left after completion"
echo "OK: job $id stopped at $(sed -n 's/.*stopped by signal 10 at step \([0-9]*\).*/\1/p' "$log") of 30000 steps, requeued once, final file equals the uninterrupted run"
