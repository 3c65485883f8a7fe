#!/usr/bin/env bash
# expect_error.sh OUT REGEX [mpiexec -n K] netmass-args...
# Runs netmass (or mpiexec ... netmass) and checks the bad-input contract: a non-zero
# exit status, exactly one "netmass: error" line on stderr that matches REGEX, and no
# output file OUT nor any partial file left behind.
set -u
out=$1 regex=$2
shift 2
rm -f "$out" "$out".partial-*
if [ "${1:-}" = mpiexec ]; then cmd=("$1" "$2" "$3" "$NETMASS" "${@:4}"); else cmd=("$NETMASS" "$@"); fi
stderr=$("${cmd[@]}" 2>&1 >/dev/null)
status=$?
fail() { printf 'FAIL: %s\ncommand: %s\nstatus: %s\nstderr:\n%s\n' "$1" "${cmd[*]}" "$status" "$stderr"; exit 1; }
[ "$status" -ne 0 ] || fail "exit status 0 on bad input"
lines=$(printf '%s\n' "$stderr" | grep -c '^netmass: error')
[ "$lines" -eq 1 ] || fail "expected exactly one 'netmass: error' line, got $lines"
printf '%s\n' "$stderr" | grep '^netmass: error' | grep -Eq -- "$regex" || fail "message does not match /$regex/"
[ ! -e "$out" ] || fail "output file $out was left behind"
ls "$out".partial-* >/dev/null 2>&1 && fail "partial file left behind"
printf '%s\n' "$stderr" | grep '^netmass: error'
exit 0
