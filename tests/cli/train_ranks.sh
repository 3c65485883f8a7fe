#!/usr/bin/env bash
# Data-parallel training does not depend on the rank count: 20 epochs at 1, 2 and 3 ranks
# give the same parameters and curves up to the order of the allreduce sums (1e-10
# relative). The model file holds the curves of every epoch.
. "$(dirname "$0")/lib.sh"
rm -f tr_cohort.h5 tr_np*.h5
tiny_hopf_cohort tr_cohort.h5
opts=(-cohort tr_cohort.h5 -train_epochs 20 -train_batch 8 -train_lr 3e-3 -train_beta_epochs 10 -checkpoint_every 0)
for n in 1 2 3; do
  out=$(run mpiexec -n $n "$NETMASS" train "${opts[@]}" -o tr_np$n.h5)
  grep -q "^epoch   20/20  loss train" <<<"$out" || fail "no progress line for epoch 20 at $n ranks: $out"
done
[ "$(attr tr_np1.h5 format)" = netmass-model ] || fail "wrong format"
[ "$(attr tr_np1.h5 epochs_done)" = 20 ] || fail "epochs_done is not 20"
h5dump -d /training/loss_train -H tr_np1.h5 | grep -q "( 20 )" || fail "training/loss_train does not hold 20 epochs"
# the parameters moved (a run that does not train would pass the comparison trivially)
h5diff -q tr_np1.h5 tr_np1.h5 >/dev/null || fail "h5diff broken"
"$NETMASS" train "${opts[@]}" -train_epochs 1 -o tr_np1_e1.h5 >/dev/null 2>&1 || fail "1-epoch run failed"
h5diff -q tr_np1.h5 tr_np1_e1.h5 /params/obs/a /params/obs/a >/dev/null && fail "parameters did not change between epoch 1 and 20"
# every block and curve within 1e-10 of its largest entry (entries near zero differ in
# their last bits relative to themselves: only the order of the sums differs)
/usr/bin/python3 - <<'PY' || fail "training differs between rank counts beyond 1e-10 relative"
import h5py, numpy as np
ref = h5py.File("tr_np1.h5", "r")
names = []
ref.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and (n.startswith("params/") or n in ("training/loss_train", "training/loss_test", "training/terms_train")) else None)
assert len(names) > 10, names
for n in (2, 3):
    other = h5py.File("tr_np%d.h5" % n, "r")
    for name in names:
        a, b = ref[name][:], other[name][:]
        err = np.abs(a - b).max() / max(np.abs(a).max(), 1e-300)
        assert err <= 1e-10, (n, name, err)
PY
# the loss went down
/usr/bin/python3 - <<'PY' || fail "training loss did not decrease"
import h5py
l = h5py.File("tr_np1.h5", "r")["training/loss_train"][:]
assert l[-1] < l[0], l
PY
rm -f tr_np1_e1.h5
echo OK
