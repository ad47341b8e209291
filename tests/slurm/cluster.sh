#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for development, tests and CI.
#
#   tests/slurm/cluster.sh start [--no-accounting]   start (idempotent); waits until the node is idle
#   tests/slurm/cluster.sh stop                      stop every daemon this script started
#   tests/slurm/cluster.sh status                    what runs, in which mode; exit 0 only when usable
#
# Daemons are started directly (no systemd: CI runs as root in a fresh container-like VM).
# State, logs, pids and the MariaDB data live under $DATABUILD_SLURM_SCRATCH (default /tmp/databuild-slurm).
# Measured cold/warm start times are in tests/slurm/README.md.
set -euo pipefail

SCRATCH="${DATABUILD_SLURM_SCRATCH:-/tmp/databuild-slurm}"
CONF_DIR="$SCRATCH/etc"
LOG_DIR="$SCRATCH/log"
HOST="$(hostname -s)"
# Ports away from Slurm's defaults so a system Slurm (if any) does not collide with ours.
CTLD_PORT=16817
SLURMD_PORT=16818
DBD_PORT=16819
DB_PORT=16306
DB_PASSWORD=databuild-test-only

# Partitions: the default one with a MaxTime (limit checks, TIMEOUT caps) and a long one (per-target settings).
DEBUG_MAX_TIME=04:00:00
LONG_MAX_TIME=2-00:00:00
# A QoS with a short MaxWall, created in accounting mode (QoS limits are read with sacctmgr).
SHORT_QOS_MAX_WALL=00:10:00

# `flock LOCK cluster.sh start` hands the lock's descriptor to every daemon started here, which then hold the test lock
# for as long as they run: close it, so only flock itself holds the lock.
for fd in /proc/$$/fd/*; do
    n=${fd##*/}
    [[ $n =~ ^[0-9]+$ && $n -gt 2 && $(readlink "$fd" 2>/dev/null) == /tmp/databuild-slurm-tests.lock ]] && eval "exec $n>&-"
done

die() { echo "cluster.sh: $*" >&2; exit 1; }
say() { echo "cluster.sh: $*"; }

# Prints the last lines of a daemon's log, so a failure explains itself.
show_log() {
    local name=$1 file=$2
    echo "---- last lines of $file ($name) ----" >&2
    tail -n 25 "$file" 2>/dev/null >&2 || echo "(no log written)" >&2
    echo "----" >&2
}

fail_daemon() {
    local name=$1 file=$2 why=$3
    echo "cluster.sh: $name failed: $why" >&2
    show_log "$name" "$file"
    exit 1
}

pid_alive() { local f=$1; [[ -s $f ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

wait_for() { # seconds, description, command...
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        (( SECONDS < deadline )) || return 1
        sleep 0.2
    done
}

ensure_packages() {
    local accounting=$1 missing=()
    command -v slurmctld >/dev/null || missing+=(slurmctld)
    command -v slurmd >/dev/null || missing+=(slurmd)
    command -v sbatch >/dev/null || missing+=(slurm-client)
    command -v munged >/dev/null || missing+=(munge)
    if [[ $accounting == yes ]]; then
        command -v slurmdbd >/dev/null || missing+=(slurmdbd)
        command -v mariadbd >/dev/null || missing+=(mariadb-server)
    fi
    (( ${#missing[@]} == 0 )) && return 0
    [[ $(id -u) == 0 ]] || die "missing packages (${missing[*]}) and not root: install them with apt-get install -y slurm-wlm munge slurmdbd mariadb-server"
    say "installing ${missing[*]} from Debian (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine has no package lists; update once, only when needed.
    if ! apt-get install -y --no-install-recommends slurm-wlm "${missing[@]}" >"$LOG_DIR/apt.log" 2>&1; then
        apt-get update >>"$LOG_DIR/apt.log" 2>&1 || true
        apt-get install -y --no-install-recommends slurm-wlm "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 \
            || fail_daemon apt-get "$LOG_DIR/apt.log" "could not install ${missing[*]}"
    fi
}

real_memory_mb() {
    # Leave headroom for the OS, the daemons and the test runner itself: 2 GiB or 10 %, whichever is larger.
    local total_kb headroom_mb
    total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
    headroom_mb=$(( total_kb / 1024 / 10 ))
    (( headroom_mb < 2048 )) && headroom_mb=2048
    echo $(( total_kb / 1024 - headroom_mb ))
}

# How memory limits are enforced: "cgroup" where the cgroup v1 memory controller is writable (Slurm 22.05's
# cgroup/v2 needs systemd, which CI does not run), else "poll".
memory_enforcement() {
    local probe=/sys/fs/cgroup/memory/databuild-probe-$$
    if [[ ${DATABUILD_SLURM_MEMORY:-} == poll ]]; then echo poll; return; fi
    if mkdir "$probe" 2>/dev/null; then rmdir "$probe"; echo cgroup; else echo poll; fi
}

write_cgroup_conf() {
    {
        echo "# Written by tests/slurm/cluster.sh: the kernel holds each job to its --mem."
        echo "CgroupPlugin=cgroup/v1"
        echo "CgroupMountpoint=/sys/fs/cgroup"
        echo "ConstrainRAMSpace=yes"
        echo "ConstrainSwapSpace=yes"
    } >"$CONF_DIR/cgroup.conf"
    cp "$CONF_DIR/cgroup.conf" /etc/slurm/cgroup.conf
}

write_slurm_conf() {
    local accounting=$1 enforcement=$2 file="$CONF_DIR/slurm.conf" cpus mem
    cpus=$(nproc)
    mem=$(real_memory_mb)
    {
        echo "# Written by tests/slurm/cluster.sh for host $HOST; edits are overwritten on the next start."
        echo "ClusterName=local"
        echo "SlurmctldHost=$HOST"
        echo "SlurmUser=root"
        echo "SlurmdUser=root"
        echo "AuthType=auth/munge"
        echo "StateSaveLocation=$SCRATCH/state"
        echo "SlurmdSpoolDir=$SCRATCH/spool"
        echo "SlurmctldPidFile=$SCRATCH/run/slurmctld.pid"
        echo "SlurmdPidFile=$SCRATCH/run/slurmd.pid"
        echo "SlurmctldLogFile=$LOG_DIR/slurmctld.log"
        echo "SlurmdLogFile=$LOG_DIR/slurmd.log"
        echo "SlurmctldPort=$CTLD_PORT"
        echo "SlurmdPort=$SLURMD_PORT"
        if [[ $enforcement == cgroup ]]; then
            echo "ProctrackType=proctrack/cgroup"
            echo "TaskPlugin=task/cgroup"
        else
            echo "ProctrackType=proctrack/linuxproc"
            echo "TaskPlugin=task/none"
        fi
        echo "SelectType=select/cons_tres"
        # Memory is a consumable: --mem is what a job may use, and jobs share the node by it.
        echo "SelectTypeParameters=CR_Core_Memory"
        # Without a default, a job without --mem would take the whole node's memory.
        echo "DefMemPerCPU=1024"
        echo "JobAcctGatherType=jobacct_gather/linux"
        echo "JobAcctGatherFrequency=task=1"
        # cgroup: the kernel enforces --mem and the job ends OUT_OF_MEMORY, as on production clusters.
        # poll (no writable cgroup v1 memory controller): the gatherer samples RSS every second and kills a
        # step over its --mem; the job then ends FAILED with signal 9. See tests/slurm/README.md.
        [[ $enforcement == poll ]] && echo "JobAcctGatherParams=OverMemoryKill"
        # Completion records even without slurmdbd: state and exit code of every finished job.
        echo "JobCompType=jobcomp/filetxt"
        echo "JobCompLoc=$LOG_DIR/jobcomp.txt"
        if [[ $accounting == yes ]]; then
            echo "AccountingStorageType=accounting_storage/slurmdbd"
            echo "AccountingStorageHost=$HOST"
            echo "AccountingStoragePort=$DBD_PORT"
        else
            echo "AccountingStorageType=accounting_storage/none"
        fi
        echo "MpiDefault=none"
        echo "ReturnToService=2"
        echo "MaxArraySize=100001"
        echo "MaxJobCount=200000"
        # Finished jobs stay visible to squeue for 5 minutes: the executor's fallback when sacct is absent.
        echo "MinJobAge=300"
        echo "KillWait=5"
        echo "NodeName=$HOST CPUs=$cpus RealMemory=$mem State=UNKNOWN"
        echo "PartitionName=debug Nodes=$HOST Default=YES MaxTime=$DEBUG_MAX_TIME State=UP"
        echo "PartitionName=long Nodes=$HOST Default=NO MaxTime=$LONG_MAX_TIME State=UP"
    } >"$file"
    # This is a dedicated test machine: install the config system-wide too, so that sbatch, squeue and
    # friends work from any shell without SLURM_CONF (slurmdbd also looks for its config beside it).
    mkdir -p /etc/slurm
    cp "$file" /etc/slurm/slurm.conf
}

write_slurmdbd_conf() {
    local file="$CONF_DIR/slurmdbd.conf"
    {
        echo "# Written by tests/slurm/cluster.sh; a test-only database password."
        echo "AuthType=auth/munge"
        echo "DbdHost=$HOST"
        echo "DbdPort=$DBD_PORT"
        echo "SlurmUser=root"
        echo "LogFile=$LOG_DIR/slurmdbd.log"
        echo "PidFile=$SCRATCH/run/slurmdbd.pid"
        echo "StorageType=accounting_storage/mysql"
        echo "StorageHost=127.0.0.1"
        echo "StoragePort=$DB_PORT"
        echo "StorageUser=slurm"
        echo "StoragePass=$DB_PASSWORD"
        echo "StorageLoc=slurm_acct_db"
    } >"$file"
    chmod 600 "$file"
    install -m 600 "$file" /etc/slurm/slurmdbd.conf
}

munge_works() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
    munge_works && return 0
    if [[ ! -s /etc/munge/munge.key ]]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null
        chown munge:munge /etc/munge/munge.key 2>/dev/null || true
        chmod 400 /etc/munge/munge.key
    fi
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
    # munged refuses to run as root; it has its own user from the Debian package.
    runuser -u munge -- munged --force >"$LOG_DIR/munged.out" 2>&1 \
        || fail_daemon munged /var/log/munge/munged.log "munged did not start"
    wait_for 10 munge_works || fail_daemon munged /var/log/munge/munged.log "munge credentials do not verify"
}

db_sql() { mariadb --no-defaults --socket="$SCRATCH/run/mariadb.sock" -uroot -e "$1"; }

start_mariadb() {
    local data="$SCRATCH/mariadb" pidf="$SCRATCH/run/mariadb.pid"
    pid_alive "$pidf" && return 0
    if [[ ! -d $data/mysql ]]; then
        mariadb-install-db --no-defaults --user=root --datadir="$data" --skip-test-db \
            --auth-root-authentication-method=socket >"$LOG_DIR/mariadb-install.log" 2>&1 \
            || fail_daemon mariadb-install-db "$LOG_DIR/mariadb-install.log" "could not create $data"
    fi
    # Our own instance on loopback, so a system MariaDB (if any) is left alone.
    mariadbd --no-defaults --user=root --datadir="$data" --socket="$SCRATCH/run/mariadb.sock" \
        --port=$DB_PORT --bind-address=127.0.0.1 --pid-file="$pidf" --skip-name-resolve \
        --log-error="$LOG_DIR/mariadb.log" --innodb-buffer-pool-size=64M \
        --innodb-lock-wait-timeout=900 >/dev/null 2>&1 &
    wait_for 30 db_sql "SELECT 1" || fail_daemon mariadbd "$LOG_DIR/mariadb.log" "not answering on $SCRATCH/run/mariadb.sock"
    db_sql "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
            CREATE DATABASE IF NOT EXISTS slurm_acct_db;
            GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" \
        || fail_daemon mariadbd "$LOG_DIR/mariadb.log" "could not create the slurm user and database"
}

start_slurmdbd() {
    local pidf="$SCRATCH/run/slurmdbd.pid"
    pid_alive "$pidf" && return 0
    slurmdbd >"$LOG_DIR/slurmdbd.out" 2>&1 || fail_daemon slurmdbd "$LOG_DIR/slurmdbd.log" "did not start"
    # slurmdbd answers once it has created its tables; sacctmgr is the cheapest question it answers.
    wait_for 40 sacctmgr -n list cluster || fail_daemon slurmdbd "$LOG_DIR/slurmdbd.log" "not answering on port $DBD_PORT"
    # slurmctld cannot record jobs of a cluster slurmdbd does not know.
    if [[ -z $(sacctmgr -n -P list cluster format=cluster where cluster=local 2>/dev/null) ]]; then
        sacctmgr -i add cluster local >>"$LOG_DIR/slurmdbd.out" 2>&1 \
            || fail_daemon slurmdbd "$LOG_DIR/slurmdbd.log" "could not register cluster 'local'"
    fi
}

# The partitions and QoS the tests expect, added to a running cluster too (no restart: scontrol and sacctmgr apply them live).
ensure_partitions_and_qos() {
    local accounting=$1
    scontrol show partition long >/dev/null 2>&1 \
        || scontrol create PartitionName=long Nodes="$HOST" Default=NO MaxTime="$LONG_MAX_TIME" State=UP \
        || die "could not create partition 'long'"
    scontrol update PartitionName=debug MaxTime="$DEBUG_MAX_TIME" || die "could not set MaxTime of partition 'debug'"
    if [[ $accounting == yes && -z $(sacctmgr -n -P show qos format=name where name=short 2>/dev/null) ]]; then
        sacctmgr -i add qos short MaxWall="$SHORT_QOS_MAX_WALL" >>"$LOG_DIR/slurmdbd.out" 2>&1 || die "could not add QoS 'short'"
    fi
}

node_state() { sinfo --noheader --nodes="$HOST" --format=%T 2>/dev/null | head -n1; }
node_idle() { [[ $(node_state) =~ ^(idle|mixed|allocated)$ ]]; }

start_slurm() {
    pid_alive "$SCRATCH/run/slurmctld.pid" \
        || slurmctld >"$LOG_DIR/slurmctld.out" 2>&1 \
        || fail_daemon slurmctld "$LOG_DIR/slurmctld.log" "did not start"
    wait_for 20 scontrol ping || fail_daemon slurmctld "$LOG_DIR/slurmctld.log" "not answering scontrol ping"
    pid_alive "$SCRATCH/run/slurmd.pid" \
        || slurmd >"$LOG_DIR/slurmd.out" 2>&1 \
        || fail_daemon slurmd "$LOG_DIR/slurmd.log" "did not start"
    if ! wait_for 30 node_idle; then
        # A node left DOWN/DRAIN by an earlier crash comes back once told so.
        scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true
        wait_for 15 node_idle || fail_daemon slurmd "$LOG_DIR/slurmd.log" "node $HOST is '$(node_state)', not idle"
    fi
}

stop_pidfile() { # name pidfile
    local name=$1 f=$2 pid
    pid_alive "$f" || { rm -f "$f"; return 0; }
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name (pid $pid) ignored SIGTERM for 10 s; killing it"
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
}

running_mode() { cat "$SCRATCH/mode" 2>/dev/null || echo none; }

all_up() {
    local mode=$1
    pid_alive "$SCRATCH/run/slurmctld.pid" && pid_alive "$SCRATCH/run/slurmd.pid" && munge_works || return 1
    if [[ $mode == accounting ]]; then
        pid_alive "$SCRATCH/run/slurmdbd.pid" && pid_alive "$SCRATCH/run/mariadb.pid" || return 1
    fi
    node_idle
}

cmd_stop() {
    stop_pidfile slurmd "$SCRATCH/run/slurmd.pid"
    stop_pidfile slurmctld "$SCRATCH/run/slurmctld.pid"
    stop_pidfile slurmdbd "$SCRATCH/run/slurmdbd.pid"
    stop_pidfile mariadbd "$SCRATCH/run/mariadb.pid"
    rm -f "$SCRATCH/mode"
    say "stopped (munged left running: other tools may share it)"
}

cmd_start() {
    local accounting=yes mode=accounting started=$SECONDS enforcement
    [[ ${1:-} == --no-accounting ]] && { accounting=no; mode=no-accounting; }
    [[ -n ${1:-} && ${1:-} != --no-accounting ]] && die "unknown option '$1' (use: start [--no-accounting])"
    [[ $(id -u) == 0 ]] || die "must run as root: the daemons run as SlurmUser=root on this test machine"
    mkdir -p "$CONF_DIR" "$LOG_DIR" "$SCRATCH/state" "$SCRATCH/spool" "$SCRATCH/run"
    export SLURM_CONF="$CONF_DIR/slurm.conf"
    enforcement=$(memory_enforcement)
    if [[ $(running_mode) == "$mode" && $(cat "$SCRATCH/memory-enforcement" 2>/dev/null) == "$enforcement" ]] && all_up "$mode"; then
        ensure_partitions_and_qos "$accounting"
        say "already running ($mode, memory enforced by $enforcement)"
        return 0
    fi
    # A different mode, or a half-dead cluster: start over (state is kept, so job ids keep rising).
    [[ $(running_mode) != none ]] && cmd_stop >/dev/null
    ensure_packages "$accounting"
    write_slurm_conf "$accounting" "$enforcement"
    if [[ $enforcement == cgroup ]]; then write_cgroup_conf; else rm -f /etc/slurm/cgroup.conf; fi
    echo "$enforcement" >"$SCRATCH/memory-enforcement"
    start_munge
    if [[ $accounting == yes ]]; then
        write_slurmdbd_conf
        start_mariadb
        start_slurmdbd
    else
        stop_pidfile slurmdbd "$SCRATCH/run/slurmdbd.pid"
        stop_pidfile mariadbd "$SCRATCH/run/mariadb.pid"
    fi
    echo "$mode" >"$SCRATCH/mode"
    start_slurm
    ensure_partitions_and_qos "$accounting"
    say "running ($mode, memory enforced by $enforcement) in $((SECONDS - started)) s; node $HOST is $(node_state); scratch $SCRATCH"
}

cmd_status() {
    local mode up=0
    mode=$(running_mode)
    export SLURM_CONF="$CONF_DIR/slurm.conf"
    echo "mode: $mode"
    echo "scratch: $SCRATCH"
    echo "memory enforcement: $(cat "$SCRATCH/memory-enforcement" 2>/dev/null || echo unknown)"
    for d in slurmctld slurmd slurmdbd mariadb; do
        if pid_alive "$SCRATCH/run/$d.pid"; then echo "$d: running (pid $(cat "$SCRATCH/run/$d.pid"))"
        else echo "$d: not running"; fi
    done
    munge_works && echo "munge: working" || echo "munge: not working"
    echo "node: $(node_state || true)"
    [[ $mode != none ]] && all_up "$mode" && up=1
    if (( up )); then echo "cluster: up"; else echo "cluster: down (run tests/slurm/cluster.sh start)"; exit 3; fi
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 start [--no-accounting] | stop | status" >&2; exit 2 ;;
esac
