#!/usr/bin/env bash
# netmass analyze on the real HCP cohort (2 ranks: subjects split over ranks) and on a
# simulation file; the same file at 1 and 2 ranks; the linear model beats the zero-change
# baseline; the figure script reads the result.
. "$(dirname "$0")/lib.sh"
rm -f an_hcp.h5 an_hcp1.h5 an_hcp2.h5 an_sim.h5 an_simout.h5 an_hcp_lapack.h5 an_hcp_dist.h5 an_sim_lapack.h5 an_sim_dist.h5
run "$NETMASS" import -hcp_dir "$NETMASS_SHARED_DATA/hcp7" -zscore -o an_hcp.h5 >/dev/null
run "$NETMASS" analyze -i an_hcp.h5 -o an_hcp1.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" analyze -i an_hcp.h5 -o an_hcp2.h5 >/dev/null
for d in /fc /fc_mean /psd /A /r2 /r2_zero /r2_ar1 /singular_values /effective_rank; do
  h5diff an_hcp1.h5 an_hcp2.h5 $d $d >/dev/null || fail "$d differs between 1 and 2 ranks"
done
h5dump -H -d /fc an_hcp1.h5 | grep -q "( 7, 94, 94 )" || fail "fc shape"
run /usr/bin/python3 "$NETMASS_SOURCE_DIR/postproc/plot_analysis.py" an_hcp1.h5 -o an_hcp1.png >/dev/null
[ -s an_hcp1.png ] || fail "analysis figure missing"
run "$NETMASS" simulate -model hopf -connectome_type ring -connectome_n 8 -G 0.3 -dt 0.05 -duration 300 -monitor_tavg_period 0.5 -initial normal -o an_sim.h5 >/dev/null
run "$NETMASS" analyze -i an_sim.h5 -dataset tavg -o an_simout.h5 >/dev/null
[ "$(attr an_simout.h5 format)" = netmass-analysis ] || fail "format of the analysis of a simulation"
# The distributed (ScaLAPACK) path writes the same datasets as the LAPACK path: the HCP
# cohort (cohort file) on a 2x1 grid and the simulation (time-major monitor) on 1x3.
run "$NETMASS" analyze -i an_hcp.h5 -fcd_window 0 -o an_hcp_lapack.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" analyze -i an_hcp.h5 -fcd_window 0 -analyze_scalapack_threshold 0 -analyze_block 16 -o an_hcp_dist.h5 >/dev/null
run "$NETMASS" analyze -i an_sim.h5 -dataset tavg -state 1 -o an_sim_lapack.h5 >/dev/null
run mpiexec -n 3 "$NETMASS" analyze -i an_sim.h5 -dataset tavg -state 1 -analyze_scalapack_threshold 0 -analyze_block 3 -o an_sim_dist.h5 >/dev/null
for d in /fc /fc_mean /psd /band_power /global_signal_correlation /pca_eigenvalues /pca_explained /pca_components /A /c /r2 /r2_zero /r2_ar1 /eigenvalues_real /eigenvalues_imag /singular_values /truncation_error /effective_rank /participation_ratio /ridge_lambda; do
  h5diff -d 1e-9 an_hcp_lapack.h5 an_hcp_dist.h5 $d $d >/dev/null || fail "$d: distributed path differs from LAPACK (HCP)"
  h5diff -d 1e-9 an_sim_lapack.h5 an_sim_dist.h5 $d $d >/dev/null || fail "$d: distributed path differs from LAPACK (simulation)"
done
h5diff -d 1e-9 an_sim_lapack.h5 an_sim_dist.h5 /fcd /fcd >/dev/null || fail "/fcd: distributed path differs from LAPACK (simulation)"
echo OK
