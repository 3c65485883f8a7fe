#!/usr/bin/env bash
# netmass connectome -subjects S derives a cohort of S subject connectomes from the
# generated one: symmetric perturbations on existing edges only, the base's maximum kept,
# lengths jittered by about the requested factor; fixed points and simulations take one
# subject's connectome from such a cohort file.
. "$(dirname "$0")/lib.sh"
rm -f cd_base.h5 cd_cohort.h5 cd_fp.h5 cd_sim.h5
run "$NETMASS" connectome -type geometric -n 30 -o cd_base.h5 >/dev/null
run "$NETMASS" connectome -type geometric -n 30 -subjects 40 -subject_eps 0.1 -subject_length_jitter 0.05 -o cd_cohort.h5 >/dev/null
[ "$(attr cd_cohort.h5 format)" = netmass-cohort ] && [ "$(attr cd_cohort.h5 n_subjects)" = 40 ] || fail "not a 40-subject cohort"
/usr/bin/python3 - cd_base.h5 cd_cohort.h5 <<'PY' || fail "derived cohort"
import sys, h5py, numpy as np
W0, L0 = (h5py.File(sys.argv[1])[k][...] for k in ("weights", "tract_lengths"))
c = h5py.File(sys.argv[2]); W, L = c["weights"][...], c["tract_lengths"][...]
assert W.shape == (40, 30, 30) and np.all(W >= 0)
assert np.allclose(W, W.transpose(0, 2, 1)) and np.allclose(L, L.transpose(0, 2, 1))
assert np.all(W[:, W0 == 0] == 0), "a perturbation created an edge"
assert np.allclose(W.max(axis=(1, 2)), W0.max()), "the maximum is not the base's"
d = (W - W0)[:, W0 > 0] / W0.max()
assert 0.05 < d.std() < 0.15, d.std()                    # eps = 0.1 (less where clipped)
r = np.log(L[:, L0 > 0] / L0[L0 > 0])
assert abs(r.std() - 0.05) < 0.005 and abs(r.mean()) < 0.005, (r.mean(), r.std())
assert not np.allclose(W[0], W[1])
PY
# one subject of the cohort file in the fixed-point search and the simulator
run "$NETMASS" fixedpoints -model hopf -hopf_a -0.5 -G 0.2 -connectome cd_cohort.h5 -fp_subjects 3 -fp_starts 4 -o cd_fp.h5 >/dev/null
[ "$(attr cd_fp.h5 n_subjects)" = 3 ] || fail "fixed points of 3 subjects expected"
run "$NETMASS" simulate -model hopf -connectome cd_cohort.h5 -connectome_subject 39 -duration 0.1 -o cd_sim.h5 >/dev/null
out=$("$NETMASS" simulate -model hopf -connectome cd_cohort.h5 -connectome_subject 40 -duration 0.1 -o cd_bad.h5 2>&1) && fail "simulated subject 40 of 40"
grep -q "subject 40 (0-based) of cohort .*cd_cohort.h5, which has 40 subjects" <<<"$out" || fail "unclear: $out"
no_partials cd_bad.h5; [ ! -e cd_bad.h5 ] || fail "output left"
echo OK
