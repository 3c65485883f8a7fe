#!/usr/bin/env bash
# Every options file in inputs/ runs, on 2 ranks, as its header says
# ("#   netmass <command> -options_file ..."). A "#   test options: ..." line adds options
# for this test (@OUT@ is the folder of the outputs, e.g. a cohort an earlier file made).
. "$(dirname "$0")/lib.sh"
outdir=$PWD/inputs_out
mkdir -p "$outdir"
cd "$NETMASS_SOURCE_DIR" || fail "no source dir"
for opts in inputs/*.opts; do
  cmd=$(sed -n 's/^#  *netmass \([a-z]*\) -options_file.*/\1/p' "$opts" | head -1)
  [ -n "$cmd" ] || fail "$opts has no '#   netmass <command> -options_file' line"
  out=$outdir/$(basename "$opts" .opts).h5
  extra=$(sed -n 's/^#  *test options: *//p' "$opts" | head -1)
  rm -f "$out"
  # shellcheck disable=SC2086 # the extra options are words
  run mpiexec -n 2 "$NETMASS" "$cmd" -options_file "$opts" ${extra//@OUT@/$outdir} -o "$out" >/dev/null
  [ -s "$out" ] || fail "$opts wrote nothing"
done
echo OK
