#!/usr/bin/env bash
# 'help', 'version' and per-command '-help': the options are listed and nothing is written.
. "$(dirname "$0")/lib.sh"
out=$(run "$NETMASS" help)
for c in import connectome demo version; do grep -q "^  $c " <<<"$out" || fail "help does not list $c"; done
run "$NETMASS" version | grep -Eq '^netmass [0-9]+\.[0-9]+\.[0-9]+ ' || fail "version line"
out=$(run "$NETMASS" connectome -help -o help_should_not_exist.h5)
for o in -type -n -ring_decay -ring_neighbours -geometric_lambda -seed -normalize_max -o; do grep -Eq -- "^ *$o[ :]" <<<"$out" || fail "connectome -help does not list $o"; done
[ ! -e help_should_not_exist.h5 ] || fail "-help wrote a file"
out=$(run "$NETMASS" import -help)
for o in -tvb_zip -hcp_dir -text_weights -hcp_tr -zscore -homotopic_percentile; do grep -Eq -- "^ *$o[ :]" <<<"$out" || fail "import -help does not list $o"; done
echo OK
