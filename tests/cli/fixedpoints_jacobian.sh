#!/usr/bin/env bash
# The analytic network Jacobian of every node model agrees with finite differences
# (PETSc's -snes_test_jacobian), with the network split over 2 ranks.
. "$(dirname "$0")/lib.sh"
for model in zjr hopf hopf_plain pmfm rww2 linear; do
  out=$(run mpiexec -n 2 "$NETMASS" fixedpoints -model $model -connectome_type smallworld -connectome_n 7 -ring_long_probability 0.5 \
        -G 0.3 -fp_max_solves 1 -fp_snes_max_it 1 -fp_snes_test_jacobian -o fpj_$model.h5)
  ratio=$(sed -n 's/.*||J - Jfd||_F\/||J||_F = \([^,]*\),.*/\1/p' <<<"$out" | head -1)
  [ -n "$ratio" ] || fail "$model: no Jacobian test output"
  awk -v r="$ratio" 'BEGIN { exit !(r < 1e-5) }' || fail "$model: ||J - Jfd||/||J|| = $ratio"
  echo "$model: ||J - Jfd||_F/||J||_F = $ratio"
done
echo OK
