#!/usr/bin/env bash
# A state that blows up stops the run with one error naming the step and node; the
# output written up to then stays, valid and marked incomplete.
. "$(dirname "$0")/lib.sh"
rm -f nan.h5
stderr=$(mpiexec -n 2 "$NETMASS" simulate -model hopf -hopf_a 3 -integrator euler -dt 0.5 -duration 2000 \
  -connectome_type ring -connectome_n 6 -initial normal -monitor_raw_period 0.5 -o nan.h5 2>&1 >/dev/null)
status=$?
[ $status -ne 0 ] || fail "exit status 0 for a run that blew up"
[ "$(grep -c '^netmass: error' <<<"$stderr")" -eq 1 ] || fail "expected one error line, got: $stderr"
grep -Eq "node [0-9]+ .*became NaN or Inf at step [0-9]+ " <<<"$stderr" || fail "message does not name node and step: $stderr"
[ -s nan.h5 ] || fail "the output so far was not kept"
[ "$(attr nan.h5 complete)" = 0 ] || fail "output not marked incomplete"
done_steps=$(attr nan.h5 steps_done)
[ "$done_steps" -gt 0 ] && [ "$done_steps" -lt 4000 ] || fail "steps_done $done_steps"
h5dump -d /raw -s "0,0,0" -c "1,1,1" nan.h5 | grep -q "(0,0,0): [-0-9]" || fail "first sample is not a number"
no_partials nan.h5
echo "OK: $stderr"
