#!/usr/bin/env bash
# A fixed-point cohort gives the same results at 1, 2 and 3 ranks (groups of one rank:
# every subject is solved by one rank, whichever group takes it), in one file; a subject
# that fails is recorded as failed and the others finish.
. "$(dirname "$0")/lib.sh"
opts=(-model pmfm -pmfm_w_uniform 1.0,1.6 -connectome_type ring -connectome_n 6 -ring_neighbours 1 -normalize_max -G 0.05
      -fp_box 0,1 -fp_deflation_shift 100 -fp_subjects 7 -fp_perturb_eps 0.1 -fp_starts 40 -fp_patience 10)
for np in 1 2 3; do
  rm -f fpc_np$np.h5
  run mpiexec -n $np "$NETMASS" fixedpoints "${opts[@]}" -o fpc_np$np.h5 | grep -q "7 subjects in" || fail "cohort at $np ranks"
  [ "$(attr fpc_np$np.h5 n_subjects)" = 7 ] || fail "n_subjects at $np ranks"
done
for np in 2 3; do
  for d in /subjects /roots /classification; do h5diff fpc_np1.h5 fpc_np$np.h5 $d $d >/dev/null || fail "$d differs between 1 and $np ranks"; done
done
roots=$(attr fpc_np1.h5 n_roots)
[ "$roots" -gt 7 ] || fail "only $roots roots for 7 subjects with bistable nodes"
echo "OK: $roots roots"
# a subject whose connectome has a non-finite entry is reported and recorded as failed
# (status column of `subjects`); the other subjects still finish
rm -f fpc_conn.h5 fpc_bad.h5
run "$NETMASS" connectome -type ring -n 6 -subjects 3 -o fpc_conn.h5 >/dev/null
/usr/bin/python3 -c "
import h5py, numpy as np
w = h5py.File('fpc_conn.h5', 'r+')['weights']; a = w[...]; a[1, 0, 1] = np.nan; w[...] = a" || fail "could not corrupt the cohort file"
out=$(run mpiexec -n 2 "$NETMASS" fixedpoints -model pmfm -pmfm_w 1.5 -connectome fpc_conn.h5 -G 0.05 -fp_box 0,1 -fp_deflation_shift 100 -fp_subjects 3 -fp_starts 10 -o fpc_bad.h5)
grep -q "subject 1 failed: fpc_conn.h5: weights\[0,1\] is nan" <<<"$out" || fail "no clear report of the failed subject: $out"
/usr/bin/python3 - <<'PY' || fail "failed subject in the cohort file"
import h5py, numpy as np
f = h5py.File("fpc_bad.h5")
s = f["subjects"][...]
assert list(s[:, 5]) == [0, 1, 0] and f.attrs["n_failed"] == 1, s
assert s[0, 0] >= 1 and s[2, 0] >= 1 and s[1, 0] == 0, s
PY
echo "OK: failed subject recorded"
