#!/usr/bin/env bash
# 'netmass demo' runs end to end on 2 ranks and leaves its results.
. "$(dirname "$0")/lib.sh"
rm -rf demo_test
run mpiexec -n 2 "$NETMASS" demo -demo_dir demo_test | grep -q "netmass demo: done" || fail "demo did not finish"
for f in ring_smallworld_200.h5 geometric_68.h5; do [ -s demo_test/$f ] || fail "demo did not write $f"; done
no_partials demo_test/
echo OK
