#!/usr/bin/env bash
# Validation and performance of netmass train on the synthetic Hopf cohort of Sip et al.
# 2023 (inputs/hopf_cohort.opts, inputs/train_hopf.opts); docs/validation.md and
# docs/performance.md record its results. Not a ctest: the full run takes hours.
#   tests/bench/train_validation.sh [EPOCHS] [RANKS]     (defaults 3000 and 2; EPOCHS 0: steps 1-2 only)
# 1. the dgemm peak of the machine, on 1 and 2 ranks at once (tests/bench/dgemm_peak.c);
# 2. seconds per epoch and GFLOP/s of training at 1 and 2 ranks (3 epochs each, the
#    median epoch; batch 64 as in docs/performance.md), and the 1 -> 2 rank speedup;
# 3. EPOCHS epochs of inputs/train_hopf.opts on RANKS ranks (with fewer than its 3000,
#    beta_p still rises over 500 epochs and the lr drops after 2000; checkpoints every
#    25 epochs: after an interruption, rerun with the same arguments and it resumes), then netmass evaluate: Spearman rho
#    of a, f and G, FC similarity, KL per theta_r dimension, train vs test ELBO.
# The cohort is inputs/hopf_cohort.opts on the TVB DK-68 connectome, max-normalised as Sip
# et al.'s (CONNECTOME=tvb, the default; TVB_ZIP, default ../shared/data/tvb/connectivity_68.zip
# beside the repository), or on the file's own random geometric network (CONNECTOME=geometric);
# docs/validation.md compares the two.
# Environment: NETMASS (the executable), DGEMM_PEAK (build-dir/tests/dgemm_peak),
# NETMASS_SOURCE_DIR, WORK (folder for the files, default ./train-validation), CONNECTOME, TVB_ZIP.
set -euo pipefail
root=${NETMASS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/env.sh"
netmass=${NETMASS:-$root/build/src/netmass}
peak=${DGEMM_PEAK:-$(dirname "$netmass")/../tests/dgemm_peak}
epochs=${1:-3000}
ranks=${2:-2}
work=${WORK:-$PWD/train-validation}
mkdir -p "$work"
cd "$root"

connectome=${CONNECTOME:-tvb}
tvb_zip=${TVB_ZIP:-$root/../shared/data/tvb/connectivity_68.zip}
if [ ! -s "$work/hopf_cohort.h5" ]; then
  case $connectome in
  tvb)
    [ -s "$tvb_zip" ] || { echo "train_validation.sh: no TVB connectivity zip at $tvb_zip: set TVB_ZIP, or CONNECTOME=geometric" >&2; exit 1; }
    mpiexec -n 2 "$netmass" import -tvb_zip "$tvb_zip" -zero_diagonal -normalize_max -o "$work/tvb68.h5" >/dev/null
    grep -v -e '^-connectome_type ' -e '^-connectome_n ' inputs/hopf_cohort.opts >"$work/hopf_cohort_tvb.opts"
    mpiexec -n 2 "$netmass" simulate -options_file "$work/hopf_cohort_tvb.opts" -connectome "$work/tvb68.h5" -o "$work/hopf_cohort.h5" >/dev/null ;;
  geometric) mpiexec -n 2 "$netmass" simulate -options_file inputs/hopf_cohort.opts -o "$work/hopf_cohort.h5" >/dev/null ;;
  *) echo "train_validation.sh: CONNECTOME must be tvb or geometric, not $connectome" >&2; exit 1 ;;
  esac
fi
echo "==== cohort: inputs/hopf_cohort.opts on the $connectome connectome ($work/hopf_cohort.h5)"

echo "==== dgemm peak"
for np in 1 2; do mpiexec -n $np "$peak"; done

echo "==== seconds per epoch (3 epochs, median); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for np in 1 2; do
  rm -f "$work/speed_np$np.h5"
  mpiexec -n $np "$netmass" train -options_file inputs/train_hopf.opts -cohort "$work/hopf_cohort.h5" -train_epochs 3 -train_batch 64 -train_lr 1e-3 -checkpoint_every 0 -o "$work/speed_np$np.h5" >/dev/null
done
/usr/bin/python3 - "$work" <<'PY'
import sys, h5py, numpy as np
w = sys.argv[1]
s, c = {}, {}
for np_ in (1, 2):
    f = h5py.File("%s/speed_np%d.h5" % (w, np_), "r")
    s[np_] = float(np.median(f["training/seconds"][:]))
    c[np_] = float(np.median(f["training/cpu_seconds"][:]))
    print("%d rank(s): %.3f s per epoch (wall), %.3f CPU s of the busiest rank, %.2f GFLOP/s (summed over ranks)" % (np_, s[np_], c[np_], float(np.median(f["training/gflops"][:]))))
print("speedup 1 -> 2 ranks: %.2fx wall, %.2fx in the busiest rank's compute time (target 1.8x)" % (s[1] / s[2], c[1] / c[2]))
PY

[ "$epochs" -gt 0 ] || exit 0
echo "==== training: $epochs epochs on $ranks ranks"
model=$work/model_e$epochs.h5
if [ ! -s "$model" ]; then
  restart=()
  [ -s "$model.checkpoint" ] && restart=(-restart)
  mpiexec -n "$ranks" "$netmass" train -options_file inputs/train_hopf.opts -cohort "$work/hopf_cohort.h5" -train_epochs "$epochs" "${restart[@]}" -o "$model" | tee "$work/train_e$epochs.log" | awk 'NR == 1 || /^epoch/ && $2 ~ /^ *[0-9]+0\// || /netmass/'
fi

echo "==== evaluation"
mpiexec -n "$ranks" "$netmass" evaluate -model "$model" -cohort "$work/hopf_cohort.h5" -o "$work/eval_e$epochs.h5"
