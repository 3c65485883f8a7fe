#!/usr/bin/env bash
# Training checkpoints: a run stopped after an epoch (-train_stop_after) or by SIGTERM
# resumes with -restart and ends with exactly (bit for bit) the model of an
# uninterrupted run at the same rank count; the checkpoint is removed when done.
. "$(dirname "$0")/lib.sh"
rm -f rt_*.h5*
tiny_hopf_cohort rt_cohort.h5
opts=(-cohort rt_cohort.h5 -train_batch 8 -train_lr 3e-3 -train_beta_epochs 6)
same() { # same A B: parameters and curves identical, bit for bit
  for d in /params /training/loss_train /training/loss_test /training/terms_train /training/terms_test; do
    h5diff "$1" "$2" $d $d >/dev/null || fail "$2: $d differs from the uninterrupted run: $(h5diff "$1" "$2" $d $d | head -4)"
  done
}

# 1. stop after epoch 5 (checkpoints every 2 epochs as well), resume
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_epochs 12 -o rt_ref.h5 >/dev/null
out=$(run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_epochs 12 -checkpoint_every 2 -train_stop_after 5 -o rt_stop.h5)
grep -q "stopped after epoch 5" <<<"$out" || fail "no stop message: $out"
[ -s rt_stop.h5.checkpoint ] && [ ! -e rt_stop.h5 ] || fail "no checkpoint, or a model file after a stop"
out=$(run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_epochs 12 -checkpoint_every 2 -restart -o rt_stop.h5)
grep -q "resuming after epoch 5 of 12" <<<"$out" || fail "did not resume: $out"
grep -q "^epoch    6/12" <<<"$out" && ! grep -q "^epoch    5/12" <<<"$out" || fail "resumed at the wrong epoch: $out"
same rt_ref.h5 rt_stop.h5
[ ! -e rt_stop.h5.checkpoint ] || fail "checkpoint left after completion"

# 2. SIGTERM (Slurm's warning) while training: checkpoint after the current epoch, error exit
mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_epochs 100000 -checkpoint_every 0 -o rt_sig.h5 >rt_sig.out 2>rt_sig.err &
pid=$!
for _ in $(seq 600); do grep -q "^epoch    3/" rt_sig.out 2>/dev/null && break; sleep 0.05; done
grep -q "^epoch    3/" rt_sig.out || fail "the run did not get to epoch 3"
pkill -TERM -P $pid -x netmass # only this run's ranks
wait $pid && fail "a run stopped by SIGTERM exited with status 0"
k=$(sed -n 's/.*stopped by SIGTERM\/SIGUSR1 after epoch \([0-9]*\) .*/\1/p' rt_sig.err | head -1)
[ -n "$k" ] || fail "no stop message: $(cat rt_sig.err)"
[ "$(grep -c '^netmass: error' rt_sig.err)" = 1 ] || fail "expected one error line: $(cat rt_sig.err)"
[ -s rt_sig.h5.checkpoint ] && [ ! -e rt_sig.h5 ] || fail "no checkpoint, or a model file after SIGTERM"
e=$((k + 2))
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_epochs $e -o rt_sigref.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_epochs $e -checkpoint_every 0 -restart -o rt_sig.h5 | grep -q "resuming after epoch $k" || fail "did not resume after epoch $k"
same rt_sigref.h5 rt_sig.h5
rm -f rt_*.h5*
echo OK
