#!/usr/bin/env bash
# The HCP table of docs/validation.md (issue 5): on the 7-subject HCP cohort beside the
# repository (inputs/hcp7_cohort.opts), one training of inputs/train_hcp7.opts per m_r in
# MRS, then netmass evaluate: KL per theta_r dimension (posterior collapse), FC
# similarity of posterior-predictive simulations, train/test ELBO. Not a ctest: each
# training is hours at the paper's 1000 epochs.
#   tests/bench/train_hcp_kl.sh [EPOCHS] [RANKS]     (defaults 100 and 1; beta_p rises over EPOCHS/2)
# Environment: NETMASS (the executable), NETMASS_SOURCE_DIR, WORK (folder for the files,
# default ./train-hcp), MRS (default "1 2 3 4 5"). Interrupted trainings resume from their
# checkpoints when rerun with the same arguments.
set -euo pipefail
root=${NETMASS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/env.sh"
netmass=${NETMASS:-$root/build/src/netmass}
epochs=${1:-100}
ranks=${2:-1}
work=${WORK:-$PWD/train-hcp}
mrs=${MRS:-1 2 3 4 5}
mkdir -p "$work"
cd "$root"

[ -s "$work/hcp7.h5" ] || mpiexec -n "$ranks" "$netmass" import -options_file inputs/hcp7_cohort.opts -o "$work/hcp7.h5" >/dev/null

for mr in $mrs; do
  model=$work/model_mr${mr}_e$epochs.h5
  echo "==== m_r = $mr: $epochs epochs on $ranks rank(s); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ ! -s "$model" ]; then
    restart=()
    [ -s "$model.checkpoint" ] && restart=(-restart)
    mpiexec -n "$ranks" "$netmass" train -options_file inputs/train_hcp7.opts -cohort "$work/hcp7.h5" -infer_mr "$mr" \
      -train_epochs "$epochs" -train_beta_epochs $((epochs / 2)) "${restart[@]}" -o "$model" > "$work/train_mr${mr}_e$epochs.log"
  fi
  mpiexec -n "$ranks" "$netmass" evaluate -model "$model" -cohort "$work/hcp7.h5" -o "$work/eval_mr${mr}_e$epochs.h5"
done

echo "==== table"
/usr/bin/python3 - "$work" "$epochs" "$mrs" <<'PY'
import sys, h5py, numpy as np
work, epochs, mrs = sys.argv[1], sys.argv[2], sys.argv[3].split()
print("| m_r | KL per theta_r dimension (nats) | FC similarity mean [5 %, 95 %] | ELBO per item train / test | s per epoch |")
print("|---|---|---|---|---|")
for mr in mrs:
    e = h5py.File("%s/eval_mr%s_e%s.h5" % (work, mr, epochs), "r")
    m = h5py.File("%s/model_mr%s_e%s.h5" % (work, mr, epochs), "r")
    fc = e["fc_similarity"][:].ravel()
    kl = ", ".join("%.2f" % k for k in e["kl_r"][:])
    print("| %s | %s | %.3f [%.3f, %.3f] | %.1f / %.1f | %.1f |" % (mr, kl, fc.mean(), np.percentile(fc, 5), np.percentile(fc, 95),
          e.attrs["elbo_train_mean"], e.attrs["elbo_test_mean"], float(np.median(m["training/seconds"][:]))))
PY
