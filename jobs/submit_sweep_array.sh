#!/usr/bin/env bash
# Submit a G sweep as a job array of N slices (sweep_G_array.sbatch) and the job that
# merges them (sweep_merge.sbatch), which starts once every slice has succeeded.
#   jobs/submit_sweep_array.sh N OUTDIR [netmass sweep options]
# SWEEP_SLICE_SBATCH: sbatch options for each slice (split on spaces), e.g. "-n 4 -t 1:00:00";
# SWEEP_GRID, SWEEP_GROUP_SIZE as for sweep_G.sbatch. Prints the two job ids.
set -euo pipefail
jobs=$(cd "$(dirname "$0")" && pwd)
. "$jobs/site.sh"
. "$jobs/lib.sh"

n=${1:-}
[[ $n =~ ^[1-9][0-9]*$ ]] || nm_die "the number of slices '$n' is not a positive integer: $0 N OUTDIR [netmass sweep options]"
outdir=${2:-}
nm_outdir "$outdir"
shift 2
export SWEEP_SLICES=$n
# shellcheck disable=SC2086 # SWEEP_SLICE_SBATCH holds several options
array=$(sbatch --parsable --array=0-$((n - 1)) ${SWEEP_SLICE_SBATCH:-} "$jobs/sweep_G_array.sbatch" "$outdir" "$@")
array=${array%%;*}
# If a slice fails, Slurm cancels the merge job instead of keeping it pending forever.
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes "$jobs/sweep_merge.sbatch" "$outdir")
echo "array job $array, merge job ${merge%%;*}"
