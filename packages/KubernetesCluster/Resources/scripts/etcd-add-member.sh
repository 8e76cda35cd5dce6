#!/bin/bash
# Runs on the master: registers NAME (peer URL http://IP:2380) as a new etcd
# member, unless it is registered already (a retried join), and prints the
# ETCD_INITIAL_CLUSTER value the new member must start with.
# Usage: etcd-add-member.sh NAME IP
set -euo pipefail

name="$1"
ip="$2"
peer="http://$ip:2380"
etcdctl=(env ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379)

# etcd refuses a new member ("unhealthy cluster") until its leader has been connected to
# the other members for a few seconds, as right after the previous member joined: retry.
for attempt in $(seq 1 30); do
    if "${etcdctl[@]}" member list | grep -q ", $peer, "; then
        break
    fi
    if answer=$("${etcdctl[@]}" member add "$name" --peer-urls="$peer" 2>&1); then
        echo "$answer" >&2
        break
    fi
    echo "$answer" >&2
    if [[ $answer != *"unhealthy cluster"* || $attempt -eq 30 ]]; then
        exit 1
    fi
    sleep 2
done

# member list: ID, status, name, peer URLs, client URLs, is learner.
# A member that has not started yet has an empty name: it is the one joining.
"${etcdctl[@]}" member list | awk -F', ' -v name="$name" -v peer="$peer" '
    {
        member = $3
        if ($4 == peer) member = name
        if (member == "") next
        layout = layout (layout == "" ? "" : ",") member "=" $4
    }
    END { print layout }'
