#!/usr/bin/env bash
# The same command at 1, 2 and 3 ranks writes the same data (collective writes of row
# blocks that differ with the rank count; values must not).
. "$(dirname "$0")/lib.sh"
for np in 1 2 3; do
  rm -f ri_np$np.h5
  run mpiexec -n $np "$NETMASS" connectome -type smallworld -n 300 -seed 11 -perturb_eps 0.1 -o ri_np$np.h5 >/dev/null
  [ "$(attr ri_np$np.h5 mpi_ranks)" = $np ] || fail "mpi_ranks attribute at $np ranks"
done
for np in 2 3; do
  for d in /weights /tract_lengths /centres /region_labels; do
    h5diff ri_np1.h5 ri_np$np.h5 $d $d >/dev/null || fail "$d differs between 1 and $np ranks"
  done
done
echo OK
