#!/usr/bin/env bash
# A fixed-point cohort gives the same results at 1, 2 and 3 ranks (groups of one rank:
# every subject is solved by one rank, whichever group takes it), in one file.
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
