#!/usr/bin/env bash
# -train_lr_drop E,LR (Sip et al.'s synthetic schedule: lr 3e-3, then 1e-3): a drop at
# epoch 0 is the same run as -train_lr LR, bit for bit; a drop after epoch 2 equals the
# run without it for two epochs and differs from then on; the model records the drop
# and a checkpoint resumes only under the same drop.
. "$(dirname "$0")/lib.sh"
rm -f ld_*.h5*
tiny_hopf_cohort ld_cohort.h5
opts=(-cohort ld_cohort.h5 -train_batch 8 -train_beta_epochs 4 -train_epochs 4)
params_differ() { ! h5diff "$1" "$2" /params /params >/dev/null; }
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_lr 1e-3 -o ld_low.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_lr 3e-3 -train_lr_drop 0,1e-3 -o ld_drop0.h5 >/dev/null
h5diff ld_low.h5 ld_drop0.h5 /params /params >/dev/null || fail "a drop at epoch 0 differs from -train_lr 1e-3"
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_lr 3e-3 -o ld_high.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_lr 3e-3 -train_lr_drop 2,1e-3 -o ld_drop2.h5 >/dev/null
params_differ ld_high.h5 ld_drop2.h5 || fail "the drop after epoch 2 changed nothing"
params_differ ld_low.h5 ld_drop2.h5 || fail "the drop after epoch 2 acted from the start"
/usr/bin/python3 - <<'PY' || fail "loss curves: the drop after epoch 2 must match the undropped run for 2 epochs and no longer"
import sys, h5py
a, b = (h5py.File(f, "r")["training/loss_train"][:] for f in ("ld_high.h5", "ld_drop2.h5"))
sys.exit(0 if (a[:2] == b[:2]).all() and (a[2:] != b[2:]).all() else 1)
PY
[ "$(attr ld_drop2.h5 train_lr_drop_epoch)" = 2 ] || fail "model file lacks train_lr_drop_epoch = 2"
run mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_lr 3e-3 -train_lr_drop 2,1e-3 -train_stop_after 1 -o ld_stop.h5 >/dev/null
out=$(mpiexec -n 2 "$NETMASS" train "${opts[@]}" -train_lr 3e-3 -restart -o ld_stop.h5 2>&1) && fail "resumed without the drop: $out"
grep -q "train_lr_drop_epoch = 2 but this run has -1" <<<"$out" || fail "unclear error: $out"
rm -f ld_*.h5*
echo OK
