#!/usr/bin/env bash
# The simulator benchmark (netmass bench, docs/performance.md) on 1 and 2 ranks, then
# the 1 -> 2 rank speedup of every case. Extra arguments go to netmass bench, e.g.
#   tests/bench/run_bench.sh -bench_cases ring1000_sw_d3,ring1000_fc_d3 -bench_scale 2
# Environment (set by ctest; defaults for a run by hand from the source tree):
#   NETMASS (the executable), NETMASS_SHARED_DATA (holds tvb/connectivity_998.zip),
#   NETMASS_SOURCE_DIR. Registered with ctest only when configured with -DNETMASS_BENCH=ON.
set -euo pipefail
root=${NETMASS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/env.sh"
netmass=${NETMASS:-$root/build/src/netmass}
zip=${NETMASS_SHARED_DATA:-$root/../shared/data}/tvb/connectivity_998.zip
[ -x "$netmass" ] || { echo "run_bench: no executable $netmass (build first, or set NETMASS)"; exit 1; }
[ -r "$zip" ] || { echo "run_bench: $zip not found (set NETMASS_SHARED_DATA)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netmass-run-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for np in 1 2; do
  echo "==== netmass bench on $np rank(s)"
  mpiexec -n $np "$netmass" bench -bench_tvb_zip "$zip" -bench_dir "$tmp" "$@" | tee "$tmp/np$np.txt"
  echo
done

# Rows of the summary tables: case ranks s/s Ment/s(run) Ment/s(contr) ... others%
rows() { awk '$1 ~ /^(tvb998|ring1000)_/ && $2 ~ /^[0-9]+$/ {print $1, $3, $5, $NF}' "$1"; }
rows "$tmp/np1.txt" > "$tmp/r1.txt"
rows "$tmp/np2.txt" > "$tmp/r2.txt"
echo "==== speedup from 1 to 2 ranks (wall seconds per simulated second; contraction alone)"
awk 'FNR == NR { one[$1] = $2; c1[$1] = $3; o1[$1] = $4; next }
  $1 in one { print $1, one[$1], c1[$1], $2, $3, (o1[$1] > $4 ? o1[$1] : $4) }' "$tmp/r1.txt" "$tmp/r2.txt" | awk '
  BEGIN { printf "%-18s %10s %10s %9s %12s %8s\n", "case", "s/s (1)", "s/s (2)", "speedup", "contraction", "others%" }
  { printf "%-18s %10.3f %10.3f %8.2fx %11.2fx %8d\n", $1, $2, $4, $2 / $4, $5 / $3, $6
    s[$1] = $2 / $4; t1[$1] = $2; t2[$1] = $4; if ($6 > busy) busy = $6 }
  END {
    print ""
    if (busy > 5)
      printf "note: other processes took up to %d %% of the CPU time during some measurements; rerun on an idle machine (or with -bench_repeat 3)\n\n", busy
    if ("tvb998_d2_dt1e-4" in t1)
      printf "target (b) single-delay 998-region rWW at dt 0.1 ms <= 1 s/s: %.2f s/s on 1 rank, %.2f s/s on 2 ranks: %s\n", t1["tvb998_d2_dt1e-4"], t2["tvb998_d2_dt1e-4"], (t2["tvb998_d2_dt1e-4"] <= 1 ? "met" : "missed")
    n = split("ring1000_sw_d3 ring1000_fc_d3", c, " ")
    for (i = 1; i <= n; i++) if (c[i] in s)
      printf "target (c) 2 ranks >= 1.7 x 1 rank on %s: %.2fx: %s\n", c[i], s[c[i]], (s[c[i]] >= 1.7 ? "met" : "missed")
  }'
