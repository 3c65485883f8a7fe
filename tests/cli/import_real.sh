#!/usr/bin/env bash
# The import commands on the real data, as a user runs them (values are checked in
# test_import_real): TVB zips with the literature's preprocessing, and the HCP cohort
# on 2 ranks, self-describing (dimension labels, units, dt).
. "$(dirname "$0")/lib.sh"
D=$NETMASS_SHARED_DATA
rm -f tvb68.h5 tvb998.h5 hcp7.h5
run "$NETMASS" import -tvb_zip "$D/tvb/connectivity_68.zip" -zero_diagonal -symmetrize -normalize_max -log_scale -homotopic_percentile 97 -o tvb68.h5 | grep -q "68 regions" || fail "tvb68 summary"
attr tvb68.h5 source | grep -q "homotopic 97% (labels)" || fail "preprocessing not recorded"
h5dump -a /weights/units tvb68.h5 | grep -q '"1"' || fail "weights units"
h5dump -a /tract_lengths/units tvb68.h5 | grep -q '"mm"' || fail "tract length units"
h5dump -a /weights/DIMENSION_LABELS tvb68.h5 | grep -q '"receiver", "emitter"' || fail "weights dimension labels"
run "$NETMASS" import -tvb_zip "$D/tvb/connectivity_998.zip" -o tvb998.h5 | grep -q "998 regions.*directed" || fail "tvb998 summary"
run mpiexec -n 2 "$NETMASS" import -hcp_dir "$D/hcp7" -zscore -o hcp7.h5 | grep -q "7 subjects x 94 regions, 1200 samples at TR 0.72 s" || fail "hcp summary"
h5dump -H -d /bold hcp7.h5 | grep -q "( 7, 94, 1200 )" || fail "bold shape"
h5dump -a /bold/dt hcp7.h5 | grep -q "0.72" || fail "bold dt"
h5dump -a /bold/DIMENSION_LABELS hcp7.h5 | grep -q '"subject", "region", "time"' || fail "bold dimension labels"
[ "$(attr hcp7.h5 mpi_ranks)" = 2 ] || fail "mpi_ranks"
no_partials tvb68.h5 tvb998.h5 hcp7.h5
echo OK
