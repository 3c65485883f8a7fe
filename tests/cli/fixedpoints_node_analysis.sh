#!/usr/bin/env bash
# Node-level analysis (-fp_node_analysis) of the pMFM node against its known answer: three
# equilibria (two stable) exactly for w in (1.191201, 2.058390) at I_o = 0.295 and for I_o
# in (0.319803, 0.325079) at w = 1 (the folds located by continuation, docs/fixedpoints.md),
# one outside, on grids of steps 0.01 and 1e-4; the same file at 1 and 2 ranks.
. "$(dirname "$0")/lib.sh"
rm -f fna_w.h5 fna_w2.h5 fna_io.h5
node=(-fp_node_analysis -model pmfm -connectome_type none -connectome_n 1 -fp_box 0,1 -fp_deflation_shift 100 -fp_node_u 0)
run "$NETMASS" fixedpoints "${node[@]}" -fp_node_params w -fp_node_range_w 1,2.2 -fp_node_points_w 121 -o fna_w.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" fixedpoints "${node[@]}" -fp_node_params w -fp_node_range_w 1,2.2 -fp_node_points_w 121 -o fna_w2.h5 >/dev/null
run mpiexec -n 2 "$NETMASS" fixedpoints "${node[@]}" -pmfm_w 1 -fp_node_params I_o -fp_node_range_I_o 0.315,0.33 -fp_node_points_I_o 151 -o fna_io.h5 >/dev/null
for d in /node_analysis /node_roots /node_classification; do h5diff fna_w.h5 fna_w2.h5 $d $d >/dev/null || fail "$d differs between 1 and 2 ranks"; done
/usr/bin/python3 - <<'PY' || fail "node-level analysis of the pMFM node"
import h5py, numpy as np
for path, lo, hi, n in (("fna_w.h5", 1.191201, 2.058390, 121), ("fna_io.h5", 0.319803, 0.325079, 151)):
    f = h5py.File(path)
    t, cls = f["node_analysis"][...], f["node_classification"][...]
    assert t.shape == (n, 6), t.shape                   # value, u, u_ext, roots, stable, unstable
    inside = (t[:, 0] > lo) & (t[:, 0] < hi)
    assert np.all(t[inside, 3] == 3) and np.all(t[~inside, 3] == 1), path
    assert np.all(t[inside, 4] == 2) and np.all(t[~inside, 4] == 1), path
    assert np.all(t[:, 4] + t[:, 5] == t[:, 3])
    # two stable nodes (class 0) and the unstable middle root (class 3, unstable node)
    assert np.all(np.sort(cls[inside, :, 0], axis=1)[:, :3] == [0, 0, 3]), path
PY
echo OK
