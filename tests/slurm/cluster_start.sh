#!/usr/bin/env bash
# Start a one-node Slurm cluster on localhost for the tests: munged, slurmctld and
# slurmd, with configuration, state, spool, logs and pid files all under DIR and ports
# that no system Slurm uses. cluster_stop.sh DIR stops exactly these daemons.
#   cluster_start.sh DIR
. "$(dirname "$0")/../cli/lib.sh"
dir=${1:?usage: cluster_start.sh DIR}
for cmd in munged slurmctld slurmd sbatch srun scontrol; do
  command -v "$cmd" >/dev/null || PATH=$PATH:/usr/sbin command -v "$cmd" >/dev/null ||
    fail "Slurm is not installed ($cmd not found): run scripts/install-deps.sh, which installs slurmctld slurmd slurm-client munge (scripts/test.sh runs it)"
done
export PATH=$PATH:/usr/sbin
[ -e "$dir/slurmctld.pid" ] && "$(dirname "$0")/cluster_stop.sh" "$dir"
rm -rf "$dir"
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"

# munged runs as its own user; it refuses a key others can read and a socket folder
# others cannot enter.
chown munge: "$dir/munge"
chmod 711 "$dir/munge"
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chown munge: "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
runuser -u munge -- munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" ||
  fail "munged did not start: $(cat "$dir/munge/munged.log" 2>/dev/null)"

# Ports from the folder's name, so two build trees can run their clusters side by side.
port=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 5000 * 2))
cat >"$dir/slurm.conf" <<CONF
ClusterName=netmass-test
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
# A requeued job waits cred_expire seconds before it may start again (default 120 s).
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=5
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
KillWait=5
# Schedule every second (default: on events, and every 60 s), so a requeued job whose
# delay is over starts at once; keep finished jobs 5 s, so sbatch --wait polls every 2 s.
SchedulerParameters=sched_interval=1,bf_interval=1
MinJobAge=5
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -n 5 "$dir/slurmctld.log")"
# The machine's hostname is not localhost: name the node explicitly.
slurmd -f "$SLURM_CONF" -N localhost || fail "slurmd did not start: $(tail -n 5 "$dir/slurmd.log")"
for _ in $(seq 100); do
  sinfo -h -N -o %T 2>/dev/null | grep -qx idle && { echo "Slurm up on localhost:$port in $dir"; exit 0; }
  sleep 0.1
done
fail "the node did not become idle in 10 s: $(sinfo -N 2>&1)"$'\n'"$(tail -n 5 "$dir/slurmctld.log" "$dir/slurmd.log")"
