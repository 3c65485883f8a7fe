#!/usr/bin/env bash
# netmass analyze refuses data it cannot analyse, with one error line naming the file, the
# subject and region, and leaves no output: a constant (zero-variance) region, NaN in the
# series, an FCD window longer than the series.
. "$(dirname "$0")/lib.sh"
rm -f ab_*.h5
# expect_fail MESSAGE ARGS...: analyze fails with MESSAGE and leaves no output
expect_fail() {
  local msg=$1 out; shift
  out=$("$NETMASS" analyze "$@" -o ab_out.h5 2>&1) && fail "analyze accepted: $*"
  [ "$(grep -c 'netmass: error:' <<<"$out")" = 1 ] && grep -q -- "$msg" <<<"$out" || fail "expected one error line with '$msg', got: $out"
  [ ! -e ab_out.h5 ] && no_partials ab_out.h5 || fail "output left behind"
}
# noise-free Hopf nodes below the bifurcation sit at the origin: constant series
run "$NETMASS" simulate -model hopf -hopf_a -1 -hopf_beta 0 -connectome_type ring -connectome_n 5 -duration 10 -monitor_raw_period 0.1 -o ab_const.h5 >/dev/null
expect_fail "region 0 (region_0000): the 'raw' time series is constant" -i ab_const.h5 -dataset raw
run "$NETMASS" simulate -model hopf -connectome_type ring -connectome_n 5 -duration 2 -monitor_raw_period 0.1 -o ab_short.h5 >/dev/null
expect_fail "-fcd_window 100 samples is longer than the series ('raw' of ab_short.h5 has 20 samples)" -i ab_short.h5 -dataset raw -fcd_window 100
tiny_hopf_cohort ab_cohort.h5
/usr/bin/python3 -c "import h5py, numpy; f = h5py.File('ab_cohort.h5', 'r+'); b = f['bold']; b[1, 3, 7] = numpy.nan"
expect_fail "subject synthetic_001, region 3 (region_0003): sample 7 of .bold. is not finite" -i ab_cohort.h5
echo OK
