#!/usr/bin/env bash
# netmass sweep: a G sweep scored against a target gives FC similarity 1 where the target
# was simulated; the result file is the same at 1, 2 and 3 ranks and with groups of 2; a
# sweep killed midway (SIGKILL) resumes with -restart to the same file; slices of a job
# array merge to the same file; a restart over another grid is refused.
. "$(dirname "$0")/lib.sh"
opts=(-model hopf -hopf_a -0.05 -hopf_f_uniform 0.03,0.07 -connectome_type ring -connectome_n 8
      -delay instant -integrator euler -dt 0.05 -duration 220 -transient 20 -monitor_raw_period 1
      -initial gaussian -initial_sd 0.3)
score=(-sweep_observe raw -sweep_fcd_window 30 -sweep_fcd_step 5 -sweep_target sw_target.h5)
rm -rf sw_*.h5 sw_*.h5.points
run "$NETMASS" simulate "${opts[@]}" -cohort_subjects 1 -cohort_G 0.3 -cohort_observe raw -o sw_target.h5 >/dev/null

# same_sweep A B: every dataset but the wall-clock seconds is equal
same_sweep() {
  local d
  for d in /fc_similarity /fc_mean /fcd_ks /band_power /band_edges /done /points /axis/G; do
    h5diff -d 0 "$1" "$2" $d $d >/dev/null || fail "$2: $d differs from $1"
  done
}

run "$NETMASS" sweep "${opts[@]}" "${score[@]}" -sweep "G:0:0.5:6" -o sw_np1.h5 >/dev/null
/usr/bin/python3 - sw_np1.h5 <<'PY' || fail "known answer"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
G, r, ks = f["axis/G"][...], f["fc_similarity"][...], f["fcd_ks"][...]
assert f.attrs["format"] == b"netmass-sweep" and f.attrs["n_points"] == 6, dict(f.attrs)
assert np.all(f["done"][...] == 1)
k = int(np.argmin(abs(G - 0.3)))
assert abs(r[k] - 1) < 1e-9, r          # the target is the simulation at G = 0.3
assert ks[k] < 0.01 and np.all(np.delete(ks, k) > 0.05), ks
assert np.all(np.delete(r, k) < r[k]) and f.attrs["best_index"] == k
assert np.all(np.diff(f["fc_mean"][...]) > 0)   # more coupling, more synchrony
assert f["band_power"].shape == (6, 5) and np.isnan(f["band_power"][0, -1])  # gamma is beyond 0.5 Hz
PY
run mpiexec -n 2 "$NETMASS" sweep "${opts[@]}" "${score[@]}" -sweep "G:0:0.5:6" -o sw_np2.h5 >/dev/null
run mpiexec -n 3 "$NETMASS" sweep "${opts[@]}" "${score[@]}" -sweep "G:0:0.5:6" -o sw_np3.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" sweep "${opts[@]}" "${score[@]}" -sweep "G:0:0.5:6" -sweep_group_size 2 -o sw_g2.h5 >/dev/null
for f in sw_np2.h5 sw_np3.h5 sw_g2.h5; do same_sweep sw_np1.h5 $f; no_partials $f; done
[ ! -e sw_np3.h5.points ] || fail "the folder of finished points was left behind"

# two axes; slices of a job array merge to the whole
grid="G:0.1,0.4;hopf_beta:0.05,0.2"
run "$NETMASS" sweep "${opts[@]}" "${score[@]}" -sweep "$grid" -o sw_2d.h5 >/dev/null
for i in 0 1 2; do run "$NETMASS" sweep "${opts[@]}" "${score[@]}" -sweep "$grid" -sweep_slice $i:3 -o sw_s$i.h5 >/dev/null; done
[ "$(attr sw_s1.h5 n_done)" = 1 ] || fail "slice 1 of 3 of 4 points should hold 1 point"
run "$NETMASS" sweep -sweep_merge sw_s0.h5,sw_s1.h5,sw_s2.h5 -o sw_merged.h5 >/dev/null
same_sweep sw_2d.h5 sw_merged.h5
out=$("$NETMASS" sweep -sweep_merge sw_s0.h5,sw_s2.h5 -o sw_bad.h5 2>&1) && fail "merged an incomplete set of slices"
grep -q "point 2 of 4 is finished in none of the 2 slices" <<<"$out" || fail "unclear: $out"

# SIGKILL midway, then -restart: finished points kept, none lost or duplicated
long=(-model hopf -hopf_a -0.05 -hopf_f_uniform 0.03,0.07 -connectome_type ring -connectome_n 64 -delay instant
      -integrator euler -dt 0.05 -duration 5020 -transient 20 -monitor_raw_period 1 -initial gaussian -sweep_observe raw)
# killed_sweep OUT GRID: start a 2-rank sweep, SIGKILL it once 2 points are finished
killed_sweep() {
  mpiexec -n 2 "$NETMASS" sweep "${long[@]}" -sweep "$2" -o "$1" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1200); do [ "$(ls "$1".points/point_*.h5 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.05; done
  pkill -KILL -P $pid -x netmass
  wait $pid 2>/dev/null
  [ ! -e "$1" ] || fail "a killed sweep left a result file"
}
killed_sweep sw_kill.h5 "G:0:0.5:6"
kept=$(ls sw_kill.h5.points/point_*.h5 | wc -l)
[ "$kept" -ge 2 ] && [ "$kept" -lt 6 ] || fail "expected a sweep killed midway, found $kept finished points"
out=$(run mpiexec -n 3 "$NETMASS" sweep "${long[@]}" -sweep "G:0:0.5:6" -restart -o sw_kill.h5)
grep -q "$kept finished before, $((6 - kept)) to run" <<<"$out" || fail "restart did not skip the finished points: $out"
run "$NETMASS" sweep "${long[@]}" -sweep "G:0:0.5:6" -o sw_long.h5 >/dev/null
same_sweep sw_long.h5 sw_kill.h5
[ ! -e sw_kill.h5.points ] || fail "the folder of finished points was left behind"

# SIGTERM (Slurm's warning): the groups finish the points they hold, take no more, and the
# run ends with one message; -restart completes it to the same file
rm -rf sw_term.h5 sw_term.h5.points
mpiexec -n 2 "$NETMASS" sweep "${long[@]}" -sweep "G:0:0.5:6" -o sw_term.h5 >/dev/null 2>sw_term.err &
pid=$!
for _ in $(seq 1200); do [ "$(ls sw_term.h5.points/point_*.h5 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.05; done
pkill -TERM -P $pid -x netmass
wait $pid && fail "a sweep stopped by SIGTERM exited with status 0"
grep -q "stopped by signal 15; the finished points are kept in sw_term.h5.points" sw_term.err || fail "no stop message: $(cat sw_term.err)"
ls sw_term.h5.points/run_* >/dev/null 2>&1 && fail "a point in flight was abandoned instead of finished"
run mpiexec -n 2 "$NETMASS" sweep "${long[@]}" -sweep "G:0:0.5:6" -restart -o sw_term.h5 >/dev/null
same_sweep sw_long.h5 sw_term.h5

# a restart over another grid is refused, and leaves the finished points alone
killed_sweep sw_other.h5 "G:0:0.5:6"
out=$("$NETMASS" sweep "${long[@]}" -sweep "G:0:0.6:6" -restart -o sw_other.h5 2>&1) && fail "resumed a sweep over another grid"
grep -q "belongs to a sweep over another grid" <<<"$out" || fail "unclear: $out"
[ "$(ls sw_other.h5.points/point_*.h5 | wc -l)" -ge 2 ] || fail "a refused restart removed finished points"
rm -rf sw_other.h5.points
echo OK
