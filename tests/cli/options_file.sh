#!/usr/bin/env bash
# Settings come from -options_file, the command line overrides it, the file records the
# full options, and -log_view reports netmass's phases.
. "$(dirname "$0")/lib.sh"
printf '# a small-world ring\n-type smallworld\n-n 40\n-seed 3\n' > sw.opts
rm -f sw40.h5 sw30.h5
run "$NETMASS" connectome -options_file sw.opts -o sw40.h5 >/dev/null
[ "$(attr sw40.h5 n_regions)" = 40 ] || fail "n_regions from the options file"
[ "$(attr sw40.h5 seed)" = 3 ] || fail "seed from the options file"
attr sw40.h5 options | grep -q -- "-type smallworld" || fail "options attribute lacks -type smallworld"
attr sw40.h5 source | grep -q "long-range probability 0.02" || fail "source attribute"
out=$(run "$NETMASS" connectome -options_file sw.opts -n 30 -o sw30.h5 -log_view)
[ "$(attr sw30.h5 n_regions)" = 30 ] || fail "-n on the command line does not override the options file"
for e in NMGenerate NMFileWrite; do grep -q "^$e " <<<"$out" || fail "-log_view lacks event $e"; done
no_partials sw40.h5 sw30.h5
echo OK
