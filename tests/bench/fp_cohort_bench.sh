#!/usr/bin/env bash
# Fixed-point cohort benchmark (docs/performance.md, "Fixed points"): 100 subjects x 68
# regions with a 3-state learned node model (trained here for 200 epochs on a small
# synthetic Hopf cohort, n_s 3, m_r 3) and with the two-population rWW, 100 starts each
# (patience 20): subjects per second at 1 and 2 ranks, SNES solves per root found, and the
# same search by plain restarts (-fp_deflation 0). Wall time and CPU time (user + system of
# all ranks): on a shared machine the CPU time says what an idle one would take.
#   tests/bench/fp_cohort_bench.sh [subjects (default 100)] [models (default "rww2 mlp")]
set -euo pipefail
root=${NETMASS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/env.sh"
netmass=${NETMASS:-$root/build/src/netmass}
subjects=${1:-100}
models=${2:-rww2 mlp}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netmass-fp-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mpiexec -n 2 "$netmass" simulate -options_file "$root/inputs/hopf_cohort.opts" -connectome_n 8 -cohort_subjects 3 -duration 65 -o "$tmp/train.h5" >/dev/null
mpiexec -n 2 "$netmass" train -cohort "$tmp/train.h5" -infer_ns 3 -infer_mr 3 -infer_ms 1 -train_epochs 200 -train_batch 8 -checkpoint_every 0 -o "$tmp/model.h5" >/dev/null
echo "load: $(uptime)"
for model in $models; do
  extra=()
  [ $model = mlp ] && extra=(-mlp_model "$tmp/model.h5")
  for deflation in 1 0; do
    for np in 1 2; do
      out="$tmp/$model-$deflation-$np.h5"
      t0=$(date +%s.%N)
      /usr/bin/time -o "$tmp/cpu" -f "%U %S" mpiexec -n $np "$netmass" fixedpoints -options_file "$root/$([ $model = mlp ] && echo tests/bench || echo inputs)/fp_cohort100_$model.opts" "${extra[@]}" \
        -fp_subjects "$subjects" -fp_deflation $deflation -o "$out" >/dev/null
      t1=$(date +%s.%N)
      /usr/bin/python3 - "$out" "$model" "$deflation" "$np" "$t0" "$t1" "$(cat "$tmp/cpu")" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1]); s = f["subjects"][...]
model, deflation, np_, t = sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[6]) - float(sys.argv[5])
cpu = sum(float(v) for v in sys.argv[7].split())
roots, solves = s[:, 0].sum(), s[:, 2].sum()
print(f"{model:4s} {'deflation' if deflation == '1' else 'restarts '} {np_} rank(s): {len(s)} subjects in {t:6.1f} s = {len(s) / t:5.2f} subjects/s (CPU {cpu:.1f} s); "
      f"{int(roots)} roots ({int(s[:, 1].sum())} stable), {int(solves)} solves, {solves / max(roots, 1):.2f} solves per root, "
      f"{s[:, 4].sum() / max(solves, 1):.1f} Newton iterations per solve; multistable subjects {(s[:, 1] > 1).sum()}")
PY
    done
  done
done
