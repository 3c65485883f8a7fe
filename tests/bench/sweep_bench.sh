#!/usr/bin/env bash
# Sweep throughput (docs/performance.md): points per minute of a G sweep of the 68-region
# Hopf network with single-velocity delays and BOLD (inputs/sweep_G_hopf68.opts), 5 minutes
# recorded per point (330 s simulated, 30 s transient), at 1 and 2 ranks (groups of 1).
# The ratio to a physical limit is the 1 -> 2 rank scaling against the ideal 2x: the points
# are independent, so only start-up and the last point's imbalance stand between them.
#   tests/bench/sweep_bench.sh [points (default 8)]
set -euo pipefail
root=${NETMASS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/env.sh"
netmass=${NETMASS:-$root/build/src/netmass}
points=${1:-8}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netmass-sweep-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
declare -A rate
for np in 1 2; do
  t0=$(date +%s.%N)
  mpiexec -n $np "$netmass" sweep -options_file "$root/inputs/sweep_G_hopf68.opts" -sweep "G:0:0.7:$points" \
    -duration 330 -transient 30 -o "$tmp/sweep_np$np.h5" >"$tmp/np$np.txt"
  t1=$(date +%s.%N)
  rate[$np]=$(awk -v p="$points" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", 60 * p / (b - a) }')
  per=$(/usr/bin/python3 -c "import h5py, numpy; print('%.1f' % numpy.mean(h5py.File('$tmp/sweep_np$np.h5')['seconds'][...]))")
  echo "sweep, 68-region Hopf, D2 6 m/s, BOLD, 330 s per point: $np rank(s): ${rate[$np]} points/min (mean $per s per point)"
done
awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN { printf "speedup 1 -> 2 ranks: %.2fx (%.0f %% of the ideal 2x)\n", b / a, 50 * b / a }'
