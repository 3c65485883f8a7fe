#!/usr/bin/env bash
# jobs/train.sbatch through Slurm: warned mid-run as at its time limit (SIGUSR1 to the
# batch shell only), the job forwards the signal, netmass checkpoints after the current
# epoch, the job requeues itself, its second run resumes from the checkpoint, and the
# model equals (bit for bit) an uninterrupted run's at the same rank count.
. "$(dirname "$0")/lib.sh"
rm -rf str_cohort.h5 str_ref.h5 str_out slurm-str-*.out
run mpiexec -n 2 "$NETMASS" simulate -options_file "$NETMASS_SOURCE_DIR/inputs/hopf_cohort.opts" -connectome_n 8 -cohort_subjects 3 \
  -duration 65 -o str_cohort.h5 >/dev/null
opts=(-train_batch 8 -train_lr 3e-3 -train_beta_epochs 6 -train_epochs 80)
run mpiexec -n 2 "$NETMASS" train -cohort str_cohort.h5 "${opts[@]}" -o str_ref.h5 >/dev/null

submit_wait 150 -n 2 -J str -o 'slurm-str-%j.out' "$jobs_dir/train.sbatch" str_out str_cohort.h5 "${opts[@]}" >str.id &
waiter=$!
for _ in $(seq 600); do grep -q "^epoch    3/" slurm-str-*.out 2>/dev/null && break; sleep 0.1; done
id=$(squeue -h -n str -o %i)
[ -n "$id" ] && grep -q "^epoch    3/" slurm-str-"$id".out || fail "the job did not start training: $(cat slurm-str-*.out 2>/dev/null)"
scancel --signal=USR1 --batch "$id" || fail "could not signal job $id"
wait $waiter || fail "job $id: $(cat str.id)"
log=slurm-str-$id.out
k=$(sed -n 's/.*stopped by SIGTERM\/SIGUSR1 after epoch \([0-9]*\) .*/\1/p' "$log" | head -n 1)
[ -n "$k" ] && [ "$k" -lt 80 ] || fail "netmass was not stopped by the forwarded signal:"$'\n'"$(cat "$log")"
grep -q "requeueing job $id" "$log" || fail "the job did not requeue itself:"$'\n'"$(cat "$log")"
grep -q "resuming after epoch $k of 80" "$log" || fail "the requeued run did not resume after epoch $k:"$'\n'"$(cat "$log")"
restarts=$(scontrol show job "$id" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
[ "$restarts" = 1 ] || fail "job $id ran $((restarts + 1)) times, expected 2 (one requeue)"
out=str_out/model.h5
for d in /params /training/loss_train /training/loss_test /training/terms_train /training/terms_test; do
  h5diff str_ref.h5 $out $d $d >/dev/null || fail "$d differs from the uninterrupted run"
done
[ ! -e $out.checkpoint ] || fail "checkpoint left after completion"
echo "OK: job $id stopped after epoch $k of 80, requeued once, the model equals the uninterrupted run's"
