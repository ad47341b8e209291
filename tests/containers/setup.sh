#!/usr/bin/env bash
# Makes podman usable for DataBuild's container tests on this machine, idempotently:
#   - installs podman, runc and busybox-static from Debian when missing (as root; otherwise says what to install);
#   - writes a containers.conf that works in CI sandboxes (runc, no default ulimits, cgroupfs: see README, "Tasks in
#     containers") to $DATABUILD_CONTAINERS_CONF (default /tmp/databuild-containers/containers.conf);
#   - imports localhost/databuild-busybox:1, a busybox root file system (no registry is needed or reachable).
# Prints the containers.conf path last; run podman with CONTAINERS_CONF set to it.
set -euo pipefail

CONF="${DATABUILD_CONTAINERS_CONF:-/tmp/databuild-containers/containers.conf}"
IMAGE=localhost/databuild-busybox:1

die() { echo "tests/containers/setup.sh: $*" >&2; exit 1; }

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || missing+=(runc)
[[ -x /bin/busybox ]] || missing+=(busybox-static)
if (( ${#missing[@]} > 0 )); then
    (( EUID == 0 )) || die "missing ${missing[*]}: install them (sudo apt-get install -y ${missing[*]}) and rerun."
    echo "tests/containers/setup.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # One apt at a time on a shared machine.
    flock /tmp/apt.lock sh -c "apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null)" \
        || die "could not install ${missing[*]} with apt-get."
fi
[[ -x /bin/busybox ]] && file -L /bin/busybox 2>/dev/null | grep -q dynamically && die "/bin/busybox is dynamically linked; install busybox-static."

mkdir -p "$(dirname "$CONF")"
cat > "$CONF.tmp" <<'CONFEOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONFEOF
mv "$CONF.tmp" "$CONF"
export CONTAINERS_CONF="$CONF"

if ! podman image exists "$IMAGE" 2>/dev/null; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp" "$work/rootfs/work"
    cp /bin/busybox "$work/rootfs/bin/"
    for c in sh cat cp echo ls sleep awk sort head tail wc mkdir printf tr sed cut env grep test; do ln -s busybox "$work/rootfs/bin/$c"; done
    tar -C "$work/rootfs" -cf "$work/busybox.tar" .
    podman import "$work/busybox.tar" "$IMAGE" >/dev/null || die "podman import of $IMAGE failed (see above)."
fi
podman run --rm --network none "$IMAGE" sh -c 'echo ok' >/dev/null \
    || die "podman cannot run $IMAGE here (CONTAINERS_CONF=$CONF): see podman's message above."
echo "$CONF"
