#!/usr/bin/env bash
# Starts from the uncoupled equilibria (-fp_start_kinds uncoupled): in a weakly coupled
# bistable pMFM network (30 regions, w = 1.5, G = 0.01) Newton from starts in the box
# finds no root (the sigmoid saturates), while starts combining each node's own three
# equilibria find many with the same budget of solves; they are the same at 1 and 2 ranks.
. "$(dirname "$0")/lib.sh"
rm -f fu_conn.h5 fu_box.h5 fu_unc1.h5 fu_unc2.h5
run "$NETMASS" connectome -type geometric -n 30 -normalize_max -o fu_conn.h5 >/dev/null
opts=(-model pmfm -pmfm_w 1.5 -connectome fu_conn.h5 -G 0.01 -fp_box 0,1 -fp_deflation_shift 100 -fp_starts 30 -fp_patience 30 -fp_max_solves 30)
run mpiexec -n 2 "$NETMASS" fixedpoints "${opts[@]}" -fp_start_kinds box -o fu_box.h5 >/dev/null
run "$NETMASS" fixedpoints "${opts[@]}" -fp_start_kinds uncoupled -o fu_unc1.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" fixedpoints "${opts[@]}" -fp_start_kinds uncoupled -o fu_unc2.h5 >/dev/null
nbox=$(attr fu_box.h5 n_roots); nunc=$(attr fu_unc1.h5 n_roots)
[ "$nunc" -ge 10 ] && [ "$nunc" -gt "$nbox" ] || fail "uncoupled starts: $nunc roots, box: $nbox"
h5diff -d 1e-8 fu_unc1.h5 fu_unc2.h5 /roots /roots >/dev/null || fail "roots differ between 1 and 2 ranks"
echo "OK: $nunc roots from uncoupled starts, $nbox from the box"
