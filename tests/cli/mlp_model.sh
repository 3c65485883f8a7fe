#!/usr/bin/env bash
# The learned node model (-model mlp) in the simulator and the fixed-point search: a model
# trained for a few epochs drives a network on one subject's connectome; Euler at the
# sample period is the learned model's own step; the equilibria of the learned network
# are found and classified, and the learned node is analysed over a grid of theta_r, u
# and u_ext (variant AB: f sees both inputs).
. "$(dirname "$0")/lib.sh"
rm -f mlp_cohort.h5 mlp_model.h5 mlp_sim.h5 mlp_fp.h5 mlp_node.h5
tiny_hopf_cohort mlp_cohort.h5
run mpiexec -n 2 "$NETMASS" train -cohort mlp_cohort.h5 -infer_ns 2 -infer_mr 2 -infer_ms 1 -infer_variant AB -train_epochs 3 -train_batch 8 -checkpoint_every 0 -o mlp_model.h5 >/dev/null
period=$(attr mlp_model.h5 sample_period)
[ "$period" = 1 ] || fail "the model's sample period is '$period', the cohort's is 1 s"
net=(-model mlp -mlp_model mlp_model.h5 -mlp_subject 2 -connectome mlp_cohort.h5 -connectome_subject 2 -G 1 -delay instant -max_delay 1)
run mpiexec -n 2 "$NETMASS" simulate "${net[@]}" -integrator euler -dt 1 -duration 200 -monitor_raw_period 1 -o mlp_sim.h5 >/dev/null
/usr/bin/python3 - mlp_sim.h5 mlp_model.h5 <<'PY' || fail "simulation of the learned model"
import sys, h5py, numpy as np
s, m = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
x = s["raw"][...]                      # time x region x state
assert x.shape == (200, 8, 2) and np.all(np.isfinite(x)), x.shape
assert [n.decode() for n in s["parameter_names"][...]] == ["theta_r1", "theta_r2", "theta_s1"]
ths = m["params/subject/theta_s_mu"][...].reshape(3, -1)[2, 0]
assert np.allclose(s["parameters"][:, 2], ths), "nodes do not carry subject 2's theta_s"
assert x.std() > 0                     # the learned state noise drives it
PY
out=$(run mpiexec -n 2 "$NETMASS" fixedpoints "${net[@]}" -fp_box -3,3 -fp_starts 20 -fp_patience 5 -o mlp_fp.h5)
[ "$(attr mlp_fp.h5 n_roots)" -ge 1 ] || fail "no equilibrium of the learned network: $out"
# the node-level analysis of the learned node (Sip et al. Fig. 6B, scaled down): theta_r1,
# theta_r2 on 3 points each in [-2, 2], u and u_ext in {-1, 0, 1}
run mpiexec -n 2 "$NETMASS" fixedpoints -fp_node_analysis "${net[@]}" -fp_box -3,3 -fp_node_starts 10 -fp_node_points_theta_r1 3 -fp_node_points_theta_r2 3 -o mlp_node.h5 >/dev/null
/usr/bin/python3 - mlp_node.h5 <<'PY' || fail "node-level analysis of the learned model"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
t = f["node_analysis"][...]
assert t.shape == (81, 7), t.shape              # theta_r1, theta_r2, u, u_ext, roots, stable, unstable
assert set(np.unique(t[:, 3])) == {-1, 0, 1}    # u_ext spans its grid
assert np.all(t[:, 5] + t[:, 6] == t[:, 4]) and t[:, 4].max() >= 1
r = f["node_roots"][...]
assert r.shape[0] == 81 and r.shape[2] == 2 and np.all(np.isfinite(r[:, 0, :])[t[:, 4] >= 1])
PY
out=$("$NETMASS" simulate -model mlp -mlp_model mlp_model.h5 -mlp_subject 3 -connectome mlp_cohort.h5 -duration 1 -o mlp_bad.h5 2>&1) && fail "subject 3 of 3 accepted"
grep -q "mlp_subject 3: .*mlp_model.h5 was trained on 3 subjects" <<<"$out" || fail "unclear: $out"
echo OK
