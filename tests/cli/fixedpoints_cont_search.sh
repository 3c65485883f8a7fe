#!/usr/bin/env bash
# Deflated searches during continuation (-cont_search_every): an uncoupled pair of bistable
# pMFM nodes has 9 equilibria at every G; continuation in G from the single root of one
# solve follows only that one, while a search every 10 steps finds the 8 others and
# follows them too. On a weakly coupled ring of three such nodes the searches find
# branches with folds that continuation from one root never reaches.
. "$(dirname "$0")/lib.sh"
rm -f fcs_pair0.h5 fcs_pair.h5 fcs_ring0.h5 fcs_ring.h5
pmfm=(-model pmfm -pmfm_w 1.5 -G 0.01 -fp_box 0,1 -fp_deflation_shift 100 -fp_max_solves 1 -cont_parameter G -cont_ds_max 0.01)
run "$NETMASS" fixedpoints "${pmfm[@]}" -connectome_type none -connectome_n 2 -cont_range 0,0.2 -o fcs_pair0.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" fixedpoints "${pmfm[@]}" -connectome_type none -connectome_n 2 -cont_range 0,0.2 -cont_search_every 10 -o fcs_pair.h5 >/dev/null
run "$NETMASS" fixedpoints "${pmfm[@]}" -connectome_type ring -connectome_n 3 -ring_neighbours 1 -cont_range 0,0.5 -o fcs_ring0.h5 >/dev/null
run "$NETMASS" fixedpoints "${pmfm[@]}" -connectome_type ring -connectome_n 3 -ring_neighbours 1 -cont_range 0,0.5 -cont_search_every 10 -o fcs_ring.h5 >/dev/null
/usr/bin/python3 - <<'PY' || fail "branches found by the searches"
import h5py, numpy as np
def combos(path):
    b = h5py.File(path)["branches"][...]
    return {tuple(np.round(r[3:], 6)) for r in b}, len(np.unique(b[:, 0]))
# the three equilibria of one node (w = 1.5), and the 9 of the uncoupled pair
node = sorted({x for c in combos("fcs_pair.h5")[0] for x in c})
pair, nb = combos("fcs_pair.h5")
alone, nb0 = combos("fcs_pair0.h5")
assert len(node) == 3 and len(pair) == 9 and nb == 18, (node, len(pair), nb)
assert len(alone) == 1 and nb0 == 2, (alone, nb0)
folds = lambda p: int(np.sum(h5py.File(p)["special_points"][:, 0] == 0))
assert folds("fcs_ring.h5") > folds("fcs_ring0.h5"), (folds("fcs_ring.h5"), folds("fcs_ring0.h5"))
assert h5py.File("fcs_ring.h5").attrs["continuation_branches"] > 1
PY
echo OK
