#!/usr/bin/env bash
# encode, generate and evaluate on a model trained on a tiny synthetic Hopf cohort:
# results independent of the rank count, the shapes of docs/inference.md, and the
# per-item ELBO of evaluate consistent with the training curve; recovery and FC similarity
# recomputed with numpy.
. "$(dirname "$0")/lib.sh"
rm -f ic_*.h5
tiny_hopf_cohort ic_cohort.h5
run mpiexec -n 2 "$NETMASS" train -cohort ic_cohort.h5 -train_epochs 15 -train_batch 8 -train_lr 3e-3 -train_beta_epochs 0 -checkpoint_every 0 -o ic_model.h5 >/dev/null
m=(-model ic_model.h5 -cohort ic_cohort.h5)
run "$NETMASS" encode "${m[@]}" -o ic_enc1.h5 >/dev/null
run mpiexec -n 3 "$NETMASS" encode "${m[@]}" -o ic_enc3.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" generate "${m[@]}" -generate_samples 4 -o ic_gen2.h5 >/dev/null
run mpiexec -n 3 "$NETMASS" generate "${m[@]}" -generate_samples 4 -o ic_gen3.h5 >/dev/null
out=$(run mpiexec -n 2 "$NETMASS" evaluate "${m[@]}" -evaluate_simulations 6 -evaluate_recovery_samples 20 -o ic_eval.h5)
grep -q "recovery of G" <<<"$out" || fail "no recovery report: $out"
for d in /theta_r_mu /theta_r_logvar /x_mu /x_logvar /theta_s_mu; do h5diff ic_enc1.h5 ic_enc3.h5 $d $d >/dev/null || fail "encode: $d differs between 1 and 3 ranks"; done
h5diff ic_gen2.h5 ic_gen3.h5 /generated /generated >/dev/null || fail "generate differs between 2 and 3 ranks"
/usr/bin/python3 - <<'PY' || fail "result files do not hold what docs/inference.md says"
import h5py, numpy as np
enc, gen, ev, mod = (h5py.File(f, "r") for f in ("ic_enc1.h5", "ic_gen2.h5", "ic_eval.h5", "ic_model.h5"))
assert enc.attrs["format"] == b"netmass-encoding" or enc.attrs["format"] == "netmass-encoding"
assert enc["theta_r_mu"].shape == (24, 2) and enc["x_mu"].shape == (24, 40, 2), (enc["theta_r_mu"].shape, enc["x_mu"].shape)
g = gen["generated"][:]
assert g.shape == (3, 4, 8, 40) and np.all(np.isfinite(g)) and g.std() > 0, g.shape
assert not np.allclose(g[:, 0], g[:, 1]), "samples are not independent"
names = [n.decode() if isinstance(n, bytes) else n for n in ev["recovery/names"][:]]
assert names == ["a", "f", "beta", "G"], names
rho = ev["recovery/spearman"][:]
assert rho.shape == (4, 3) and np.all(np.abs(rho[[0, 1, 3]]) <= 1) and np.all(np.isnan(rho[2])), rho
true = ev["recovery/true"][:]
assert np.array_equal(true[3].reshape(3, 8), np.repeat(h5py.File("ic_cohort.h5", "r")["true_G"][:], 8).reshape(3, 8))
fc = ev["fc_similarity"][:]
assert fc.shape == (3, 6) and np.all(np.abs(fc) <= 1)
assert np.all(ev["kl_r"][:] >= 0)
is_test = ev["is_test"][:]
assert np.array_equal(is_test, mod["items/is_test"][:]) and is_test.sum() == 5
# the test items' mean ELBO is the model's last test loss without its regularisers
names = [n.decode() if isinstance(n, bytes) else n for n in mod["training/term_names"][:]]
t = mod["training/terms_test"][-1]
want = -(mod["training/loss_test"][-1] - t[names.index("xreg")] - t[names.index("l2")])
got = ev["elbo_item"][:][is_test == 1].mean()
assert abs(got - want) <= 1e-9 * abs(want), (got, want)
# the recovery estimate is the least-squares fit of the truth on the posterior means (numpy)
X = np.c_[np.ones(24), enc["theta_r_mu"][:]]
for p in (0, 1):
    fit = X @ np.linalg.lstsq(X, true[p], rcond=None)[0]
    assert np.allclose(ev["recovery/estimate"][p], fit, atol=1e-10), p
# evaluate simulates as generate does (same streams): its FC similarity, recomputed from
# the generated samples and the data with numpy, agrees
bold = h5py.File("ic_cohort.h5", "r")["bold"][:]
iu = np.triu_indices(8, 1)
for s in range(3):
    ref = np.corrcoef(bold[s])[iu]
    for k in range(4):
        r = np.corrcoef(ref, np.corrcoef(g[s, k])[iu])[0, 1]
        assert abs(r - fc[s, k]) < 1e-10, (s, k, r, fc[s, k])
PY
rm -f ic_*.h5
echo OK
