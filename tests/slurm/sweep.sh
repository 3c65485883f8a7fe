#!/usr/bin/env bash
# The sweep scripts through Slurm give the file netmass writes outside Slurm: the G sweep
# as one 2-rank srun job (jobs/sweep_G.sbatch), and as a job array of 3 slices whose
# merge job starts after all of them succeeded (jobs/submit_sweep_array.sh).
. "$(dirname "$0")/lib.sh"
opts=(-model hopf -hopf_a -0.05 -hopf_f_uniform 0.03,0.07 -connectome_type ring -connectome_n 8
      -delay instant -integrator euler -dt 0.05 -duration 220 -transient 20 -monitor_raw_period 1
      -initial gaussian -initial_sd 0.3)
score=(-sweep_observe raw -sweep_fcd_window 30 -sweep_fcd_step 5 -sweep_target ssw_target.h5)
export SWEEP_GRID="G:0:0.5:6"
rm -rf ssw_* slurm-ssw*.out
run "$NETMASS" simulate "${opts[@]}" -cohort_subjects 1 -cohort_G 0.3 -cohort_observe raw -o ssw_target.h5 >/dev/null
run "$NETMASS" sweep "${opts[@]}" "${score[@]}" -sweep "$SWEEP_GRID" -o ssw_ref.h5 >/dev/null

# same_sweep A B: every dataset but the wall-clock seconds is equal
same_sweep() {
  local d
  for d in /fc_similarity /fc_mean /fcd_ks /band_power /band_edges /done /points /axis/G; do
    h5diff -d 0 "$1" "$2" $d $d >/dev/null || fail "$2: $d differs from $1"
  done
}

# one multi-rank job
id=$(submit_wait 120 -n 2 -o 'slurm-ssw-%j.out' "$jobs_dir/sweep_G.sbatch" ssw_one "${opts[@]}" "${score[@]}")
[ "$(attr ssw_one/sweep_G.h5 mpi_ranks)" = 2 ] || fail "sweep_G.sbatch did not run on 2 ranks"
same_sweep ssw_ref.h5 ssw_one/sweep_G.h5

# a job array of 3 one-rank slices, then the merge job
ids=$(SWEEP_SLICE_SBATCH="-n 1 -o slurm-ssw-%A_%a.out" SBATCH_OUTPUT="slurm-ssw-%j.out" \
  "$jobs_dir/submit_sweep_array.sh" 3 ssw_array "${opts[@]}" "${score[@]}") || fail "submit_sweep_array.sh: $ids"
array=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\)$/\1/p' <<<"$ids")
merge=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\)$/\2/p' <<<"$ids")
[ -n "$array" ] && [ -n "$merge" ] || fail "submit_sweep_array.sh printed no job ids: $ids"
scontrol show job "$merge" | grep -q "Dependency=afterok:${array}_\*" || fail "merge job $merge does not wait for array $array: $(scontrol show job "$merge")"
wait_job 120 "$merge"
for i in 0 1 2; do [ "$(attr ssw_array/slices/sweep_G.slice-$i-of-3.h5 n_done)" = 2 ] || fail "slice $i of 3 should hold 2 of the 6 points"; done
same_sweep ssw_ref.h5 ssw_array/sweep_G.h5

# a lost slice: the merge job names it; rerunning that task alone and merging again
# gives the same file
rm -f ssw_array/slices/sweep_G.slice-1-of-3.h5 ssw_array/sweep_G.h5
timeout 60 sbatch --wait -o slurm-ssw-%j.out "$jobs_dir/sweep_merge.sbatch" ssw_array >/dev/null 2>&1 && fail "merged without slice 1"
grep -q "slice ssw_array/slices/sweep_G.slice-1-of-3.h5 is missing" slurm-ssw-*.out || fail "the merge job did not name the missing slice"
SWEEP_SLICES=3 submit_wait 60 --array=1 -n 1 -o 'slurm-ssw-%A_%a.out' "$jobs_dir/sweep_G_array.sbatch" ssw_array "${opts[@]}" "${score[@]}" >/dev/null
submit_wait 60 -o 'slurm-ssw-%j.out' "$jobs_dir/sweep_merge.sbatch" ssw_array >/dev/null
same_sweep ssw_ref.h5 ssw_array/sweep_G.h5
echo "OK: one job ($id) and a 3-task array ($array) with its merge job ($merge) equal the sweep outside Slurm; a lost slice is named, rerun alone and merged"
