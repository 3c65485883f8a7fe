#!/usr/bin/env bash
# The eigenvalues at a fixed point of a large network (docs/performance.md, "Fixed-point
# eigenvalues"): a 998-region Stuart-Landau network on the TVB 998 connectome (1996
# unknowns, weights scaled to max 1), its Jacobian's eigenvalues by LAPACK dgeev on rank 0
# (-fp_eig dgeev) and by ScaLAPACK pdgehrd + pdlahqr (-fp_eig scalapack), at 1 and 2 ranks.
# The time is that of the NMFPEigenvalues event (-log_view: building the matrix and the
# eigenvalues, not the Newton solve); the four configurations are interleaved and repeated
# (BENCH_REPEAT, default 3), and the load is printed. Environment as tests/bench/run_bench.sh;
# registered with ctest as bench_fp_eig when configured with -DNETMASS_BENCH=ON.
set -euo pipefail
root=${NETMASS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/env.sh"
netmass=${NETMASS:-$root/build/src/netmass}
zip=${NETMASS_SHARED_DATA:-$root/../shared/data}/tvb/connectivity_998.zip
repeat=${BENCH_REPEAT:-3}
[ -x "$netmass" ] || { echo "fp_eig_bench: no executable $netmass (build first, or set NETMASS)"; exit 1; }
[ -r "$zip" ] || { echo "fp_eig_bench: $zip not found (set NETMASS_SHARED_DATA)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netmass-fp-eig-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$netmass" import -tvb_zip "$zip" -normalize_max -o "$tmp/c998.h5" >/dev/null
printf '%-6s %-10s %5s %10s %s\n' ranks method rep "eig (s)" "load (1 min)"
for rep in $(seq 1 "$repeat"); do
  for np in 1 2; do
    for eig in dgeev scalapack; do
      mpiexec -n $np "$netmass" fixedpoints -model hopf -hopf_a -0.1 -connectome "$tmp/c998.h5" -G 0.5 \
        -fp_starts 1 -fp_patience 1 -fp_eig $eig -log_view ":$tmp/log.txt" -o "$tmp/fp_${np}_$eig.h5" >/dev/null
      t=$(awk '$1 == "NMFPEigenvalues" {print $4}' "$tmp/log.txt")
      printf '%-6s %-10s %5s %10.2f %s\n' $np $eig $rep "$t" "$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
# the four runs found the same spectrum
/usr/bin/python3 - "$tmp" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
ref = h5py.File(f"{d}/fp_1_dgeev.h5")
z0 = ref["eigenvalues_real"][0] + 1j * ref["eigenvalues_imag"][0]
for name in ("fp_1_scalapack", "fp_2_dgeev", "fp_2_scalapack"):
    f = h5py.File(f"{d}/{name}.h5")
    z = f["eigenvalues_real"][0] + 1j * f["eigenvalues_imag"][0]
    err = max(np.abs(z - w).min() for w in z0) / np.abs(z0).max()
    print(f"{name}: largest distance to dgeev's eigenvalues / spectral radius = {err:.2e}")
PY
