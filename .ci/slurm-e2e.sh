#!/usr/bin/env bash
# End-to-end proof that `cohesion experiment` distributes over Slurm: install Debian's
# Slurm and munge, start a one-node cluster on this machine, submit a small job array made
# by `cohesion experiment slurm`, wait, merge the shards, and check that the merged result
# equals a local run of the same experiment byte for byte.
# Usage: .ci/slurm-e2e.sh PATH/TO/cohesion   (run as root, on a throw-away machine)
set -euo pipefail
BIN=$(readlink -f "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/cohesion-slurm.XXXXXX)

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# munge: the authentication Slurm's daemons use between each other.
mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
[ -s /etc/munge/munge.key ] || mungekey --create --force >/dev/null 2>&1 || \
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge 2>/dev/null || true
chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key
pgrep -x munged >/dev/null || su -s /bin/sh munge -c "/usr/sbin/munged" 2>/dev/null \
    || /usr/sbin/munged --force

# A one-node cluster on this host.
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2/1024) - 512}' /proc/meminfo)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=cohesion-ci
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
MpiDefault=none
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
pkill -x slurmctld 2>/dev/null || true
pkill -x slurmd 2>/dev/null || true
sleep 1
slurmctld -i
slurmd
for _ in $(seq 1 30); do
    sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break
    sleep 1
done
sinfo

# The experiment: a copy of the small example with fewer agents, so the test is quick.
EXP="$WORK/experiment.toml"
sed -e 's/^agents = .*/agents = 1000/' -e 's/^years = .*/years = 4/' \
    "$ROOT/examples/experiment-small.toml" > "$EXP"
"$BIN" experiment slurm "$EXP" --out "$WORK/cluster" --shards 3 --cpus-per-task 1 \
    --mem 1G --time 00:20:00
sbatch --wait "$WORK/cluster/submit.sbatch" || {
    cat "$WORK"/cluster/logs/* 2>/dev/null || true
    tail -30 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log || true
    exit 1
}
"$BIN" experiment merge "$WORK/cluster"
"$BIN" experiment run "$EXP" --out "$WORK/local" --quiet
cmp "$WORK/cluster/results.parquet" "$WORK/local/results.parquet"
cmp "$WORK/cluster/runs.csv" "$WORK/local/runs.csv"
cmp "$WORK/cluster/runs.parquet" "$WORK/local/runs.parquet"
echo "slurm end-to-end: merged job-array result equals the local run byte for byte"
