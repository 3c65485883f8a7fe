#!/usr/bin/env bash
# Relaxed starts (-fp_start_relax): Newton from random starts of a bistable pMFM network
# (w = 1.5) finds nothing (the sigmoid saturates); after 5 s of the noise-free dynamics the
# starts reach the low and high stable states, and deflation from the raw starts adds
# the saddle between them.
. "$(dirname "$0")/lib.sh"
rm -f fr_conn.h5 fr_box.h5 fr_relax.h5
run "$NETMASS" connectome -type geometric -n 30 -normalize_max -o fr_conn.h5 >/dev/null
opts=(-model pmfm -pmfm_w 1.5 -connectome fr_conn.h5 -G 1 -fp_box 0,1 -fp_deflation_shift 100 -fp_starts 12 -fp_patience 4)
box=$(run mpiexec -n 2 "$NETMASS" fixedpoints "${opts[@]}" -o fr_box.h5)
relax=$(run mpiexec -n 2 "$NETMASS" fixedpoints "${opts[@]}" -fp_start_relax 5 -o fr_relax.h5)
nbox=$(attr fr_box.h5 n_roots); nrelax=$(attr fr_relax.h5 n_roots)
stable=$(grep -c "stable node, 0 unstable" <<<"$relax")
[ "$nrelax" -gt "$nbox" ] && [ "$stable" -ge 2 ] || fail "relaxed starts: $nrelax roots ($stable stable) vs $nbox from the box"$'\n'"$relax"
echo OK
