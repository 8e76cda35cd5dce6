#!/bin/bash
# Runs on the master: removes the etcd member called NAME, if present.
# Usage: etcd-remove-member.sh NAME
set -euo pipefail

name="$1"
etcdctl=(env ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379)

id=$("${etcdctl[@]}" member list | awk -F', ' -v name="$name" '$3 == name { print $1 }')
if [[ -z $id ]]; then
    echo "etcd member $name is not registered"
    exit 0
fi
"${etcdctl[@]}" member remove "$id"
