# Functions the netmass job scripts share (sourced after site.sh).

# nm_die MESSAGE: one error line naming what is wrong and the fix; exit status 2.
nm_die() {
  printf 'netmass job: error: %s\n' "$*" >&2
  exit 2
}

# nm_outdir DIR: the output folder, created if needed.
nm_outdir() {
  [ -n "$1" ] || nm_die "no output folder: give it as the first argument after the script name (sbatch SCRIPT OUTDIR ...)"
  mkdir -p "$1" || nm_die "cannot create the output folder $1: give a writable path"
}

# nm_step ARGS...: run `netmass ARGS` as a job step through $NETMASS_LAUNCH and return its
# exit status. Slurm's warning signal (--signal=B:USR1@T) and `scancel --batch` reach only
# this batch shell, so SIGUSR1 and SIGTERM are forwarded to the step, whose netmass then
# writes its checkpoint and exits; nm_signal names the first signal forwarded (empty: none).
nm_signal=
nm_pid=
nm_forward() {
  nm_signal=${nm_signal:-$1}
  [ -z "$nm_pid" ] || kill -"$1" "$nm_pid" 2>/dev/null || :
}
nm_step() {
  local rc
  # Trapped before the step starts: an untrapped SIGUSR1 would end this shell.
  trap 'nm_forward USR1' USR1
  trap 'nm_forward TERM' TERM
  # shellcheck disable=SC2086 # NETMASS_LAUNCH is a command with its options
  $NETMASS_LAUNCH "$NETMASS" "$@" &
  nm_pid=$!
  # A trapped signal interrupts wait: wait again until the step has really ended.
  while kill -0 "$nm_pid" 2>/dev/null; do wait "$nm_pid" || :; done
  wait "$nm_pid" && rc=0 || rc=$?
  nm_pid=
  trap - USR1 TERM
  return $rc
}

# nm_resumable STATE ARGS...: nm_step ARGS, continued with -restart when STATE (the
# checkpoint file or folder netmass leaves behind) exists: after a requeue
# (SLURM_RESTART_COUNT > 0) or when a stopped job is submitted again. If the step
# stopped at Slurm's warning signal and left STATE, the job requeues itself (#SBATCH
# --requeue) and its next run continues from there.
nm_resumable() {
  local state=$1 rc restart=()
  shift
  if [ -e "$state" ]; then
    restart=(-restart)
    echo "netmass job: continuing from $state (run $((${SLURM_RESTART_COUNT:-0} + 1)) of job ${SLURM_JOB_ID:-?})"
  fi
  nm_step "$@" "${restart[@]}" && return 0 || rc=$?
  if [ "$nm_signal" = USR1 ] && [ -e "$state" ]; then
    echo "netmass job: checkpoint $state written at the warning signal; requeueing job $SLURM_JOB_ID"
    scontrol requeue "$SLURM_JOB_ID" || nm_die "scontrol requeue $SLURM_JOB_ID failed: submit the script again to continue from $state"
    exit 0
  fi
  return $rc
}
