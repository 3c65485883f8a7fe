#!/usr/bin/env bash
# jobs/fixedpoints_cohort.sbatch through Slurm (2 ranks) on a cohort of subject
# connectomes (netmass connectome -subjects): the file equals the one netmass writes at
# 1 rank outside Slurm (groups of one rank: each subject is solved by one rank whichever
# takes it), with srun and with mpirun as the launcher. Without its output folder the
# job fails with one clear line.
. "$(dirname "$0")/lib.sh"
rm -rf sfp_cohort.h5 sfp_ref.h5 sfp_out sfp_mpirun slurm-sfp-*.out
run "$NETMASS" connectome -type ring -n 6 -ring_neighbours 1 -subjects 7 -subject_eps 0.1 -o sfp_cohort.h5 >/dev/null
opts=(-model pmfm -pmfm_w_uniform 1.0,1.6 -connectome sfp_cohort.h5 -normalize_max -G 0.05
      -fp_box 0,1 -fp_deflation_shift 100 -fp_starts 40 -fp_patience 10)
run "$NETMASS" fixedpoints "${opts[@]}" -fp_subjects 7 -o sfp_ref.h5 >/dev/null
# check_job ID OUT: the job solved 7 subjects on 2 ranks, as the 1-rank run did
check_job() {
  grep -q "7 subjects in" slurm-sfp-"$1".out || fail "job $1 did not solve 7 subjects: $(cat slurm-sfp-"$1".out)"
  [ "$(attr "$2" n_subjects)" = 7 ] || fail "n_subjects of $2 is not 7"
  [ "$(attr "$2" mpi_ranks)" = 2 ] || fail "job $1 did not run on 2 ranks (mpi_ranks $(attr "$2" mpi_ranks))"
  for d in /subjects /roots /classification; do h5diff sfp_ref.h5 "$2" $d $d >/dev/null || fail "job $1: $d differs from the 1-rank run outside Slurm"; done
}
id=$(FP_SUBJECTS=7 submit_wait 120 -n 2 -o 'slurm-sfp-%j.out' "$jobs_dir/fixedpoints_cohort.sbatch" sfp_out "${opts[@]}")
check_job "$id" sfp_out/fixedpoints.h5
# the MPI library's own launcher inside the allocation instead of srun (jobs/site.sh)
id2=$(NETMASS_LAUNCH=mpirun FP_SUBJECTS=7 submit_wait 120 -n 2 -o 'slurm-sfp-%j.out' "$jobs_dir/fixedpoints_cohort.sbatch" sfp_mpirun "${opts[@]}")
check_job "$id2" sfp_mpirun/fixedpoints.h5

# without its output folder the job fails with one line saying what to give
rm -f slurm-sfp-usage.out
timeout 60 sbatch --wait -o slurm-sfp-usage.out "$jobs_dir/fixedpoints_cohort.sbatch" >/dev/null 2>&1 && fail "a job without OUTDIR succeeded"
[ "$(cat slurm-sfp-usage.out)" = "netmass job: error: no output folder: give it as the first argument after the script name (sbatch SCRIPT OUTDIR ...)" ] ||
  fail "unclear usage error: $(cat slurm-sfp-usage.out)"
echo "OK: jobs $id (srun) and $id2 (mpirun): $(attr sfp_ref.h5 n_roots) roots for 7 subjects, equal to the 1-rank run"
