#!/usr/bin/env bash
# Time-blocked contraction (-contract_block): the inputs of several steps computed in one
# pass over the tensor are bitwise those of one step at a time, so a run writes the same
# file for every block size (1: one step per pass, 0: automatic, 3: odd) at 1, 2 and 3
# ranks, with single-bin (D2) and distributed (D3) kernels; and a run killed and resumed
# from a checkpoint that falls inside a block (its next block starts at the restart step)
# writes the file of the uninterrupted run.
. "$(dirname "$0")/lib.sh"
# neighbours 44 mm apart, fastest velocities ~30 m/s: lags of several 0.2 ms steps, so blocks of several steps
common=(-model hopf -G 0.05 -hopf_a -0.1 -hopf_beta 0.05 -integrator ll -connectome_type smallworld
        -connectome_n 45 -ring_circumference 2000 -max_delay 0.5 -delay_tail 1e-6 -dt 2e-4 -seed 5
        -initial normal -transient 0 -monitor_raw_period 2e-3)
for delay in "single -velocity 7.5" "gamma"; do
  d=${delay%% *}
  rm -f blk_${d}_*.h5
  view=$(run "$NETMASS" simulate "${common[@]}" -delay $delay -duration 0.3 -contract_block 1 -o blk_${d}_ref.h5)
  grep -q "inputs of up to 1 steps per pass" <<<"$view" || fail "$d: -contract_block 1 not in effect: $view"
  for np in 1 2 3; do
    for blk in 0 3; do
      out=$(run mpiexec -n $np "$NETMASS" simulate "${common[@]}" -delay $delay -duration 0.3 -contract_block $blk -o blk_${d}_${np}_$blk.h5)
      [ $blk = 0 ] && view=$out
      [ "$(attr blk_${d}_${np}_$blk.h5 complete)" = 1 ] || fail "$d: run at $np ranks, block $blk incomplete"
      h5diff blk_${d}_ref.h5 blk_${d}_${np}_$blk.h5 /raw /raw >/dev/null || fail "$d: /raw at $np ranks with -contract_block $blk differs from one step per pass at 1 rank"
    done
  done
  # the automatic block must be more than one step, or the test tests nothing
  blocks=$(sed -n 's/.*inputs of up to \([0-9]*\) steps per pass.*/\1/p' <<<"$view" | head -1)
  [ "${blocks:-1}" -gt 1 ] || fail "$d: automatic block of ${blocks:-?} steps: nothing blocked"
  echo "$d: identical for -contract_block 1, 0 (auto, up to $blocks steps at 3 ranks) and 3 at 1, 2, 3 ranks"
done

# restart inside a block: blocks of 7 steps, checkpoints every 13 steps (2.6 ms); the
# resumed run needs no further checkpoints
opts=("${common[@]}" -delay gamma -duration 2 -contract_block 7)
rm -f blk_rs*.h5*
run "$NETMASS" simulate "${common[@]}" -delay gamma -duration 2 -contract_block 1 -o blk_rs_ref.h5 >/dev/null
mpiexec -n 2 "$NETMASS" simulate "${opts[@]}" -checkpoint_interval 0.0026 -o blk_rs.h5 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do [ -s blk_rs.h5.checkpoint ] && break; sleep 0.05; done
[ -s blk_rs.h5.checkpoint ] || fail "no checkpoint appeared"
pkill -KILL -P $pid -x netmass # only this run's ranks
wait $pid 2>/dev/null
out=$(run mpiexec -n 3 "$NETMASS" simulate "${opts[@]}" -restart -o blk_rs.h5)
at=$(sed -n 's/.*resuming at step \([0-9]*\).*/\1/p' <<<"$out")
[ -n "$at" ] || fail "did not resume: $out"
[ "$(attr blk_rs.h5 complete)" = 1 ] || fail "resumed run incomplete"
h5diff blk_rs_ref.h5 blk_rs.h5 /raw /raw >/dev/null || fail "resumed at step $at: /raw differs from the uninterrupted run"
echo "resumed at step $at (inside a block of 7 unless $at is a multiple of 7: $((at % 7))): identical to the uninterrupted run"
rm -f blk_*.h5*
echo OK
