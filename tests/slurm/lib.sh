# Shared helpers for the Slurm tests (sourced). The cluster is the one
# cluster_start.sh started in $NETMASS_SLURM_DIR; $NETMASS is the executable under test.
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
export SLURM_CONF=$NETMASS_SLURM_DIR/slurm.conf
[ -s "$SLURM_CONF" ] || fail "no Slurm cluster at $NETMASS_SLURM_DIR (the slurm_cluster fixture did not run)"
jobs_dir=$NETMASS_SOURCE_DIR/jobs

# submit_wait SECONDS SBATCH_ARGS...: submit, wait for the job to end, fail with its log
# unless it succeeded; prints the job id. sbatch --wait returns the job's exit code.
submit_wait() {
  local limit=$1 log rc
  shift
  log=$(mktemp slurm-submit.XXXXXX)
  timeout "$limit" sbatch --wait --parsable "$@" >"$log" 2>&1
  rc=$?
  [ $rc -eq 0 ] || fail "sbatch $* ended with $rc after at most ${limit}s:"$'\n'"$(cat "$log")"$'\n'"$(job_logs "$log")"
  head -n 1 "$log" | cut -d';' -f1
  rm -f "$log"
}

# job_state ID: the job's state as slurmctld reports it (COMPLETED, FAILED, PENDING, ...)
job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }

# job_logs FILE: the batch logs of the job whose id FILE starts with (for failure messages)
job_logs() { local id; id=$(head -n 1 "$1" | cut -d';' -f1); cat slurm-"$id"*.out 2>/dev/null; }

# wait_job SECONDS ID: wait for a job submitted without --wait to end; fail with its log
# unless it completed.
wait_job() {
  local state
  for _ in $(seq $((10 * $1))); do
    state=$(job_state "$2")
    case $state in
      COMPLETED) return 0 ;;
      PENDING | RUNNING | CONFIGURING | COMPLETING | REQUEUED | "") sleep 0.1 ;;
      *) fail "job $2 ended $state:"$'\n'"$(cat slurm-"$2"*.out 2>/dev/null)" ;;
    esac
  done
  fail "job $2 did not end in $1 s (state $state)"
}
