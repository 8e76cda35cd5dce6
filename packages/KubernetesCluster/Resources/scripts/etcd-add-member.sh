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

if ! "${etcdctl[@]}" member list | grep -q ", $peer, "; then
    "${etcdctl[@]}" member add "$name" --peer-urls="$peer" >&2
fi

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
