# Shared helpers for the CLI tests (sourced). $NETMASS is the executable under test.
set -u
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }
# run CMD...: run, show output on failure.
run() { local out; out=$("$@" 2>&1) || fail "command failed ($?): $*"$'\n'"$out"; printf '%s\n' "$out"; }
# attr FILE NAME: value of a root attribute as h5dump prints it (first DATA line).
attr() { h5dump -a "/$2" "$1" | sed -n 's/^ *(0): //p' | tr -d '"'; }
# no_partials FILE...: no FILE.partial-* left beside any of them.
no_partials() { local f; for f in "$@"; do ! ls "$f".partial-* >/dev/null 2>&1 || fail "partial file of $f left behind"; done; }
# tiny_hopf_cohort FILE: a small synthetic Hopf cohort with ground truth (3 subjects x 8
# regions x 40 samples; inputs/hopf_cohort.opts scaled down) for the inference tests.
tiny_hopf_cohort() { run mpiexec -n 2 "$NETMASS" simulate -options_file "$NETMASS_SOURCE_DIR/inputs/hopf_cohort.opts" -connectome_n 8 -cohort_subjects 3 -duration 65 -o "$1" >/dev/null; }
