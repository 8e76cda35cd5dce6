#!/bin/bash
# Runs on the master: evicts the pods of a node and unregisters it.
# Usage: kube-remove-node.sh NAME
set -euo pipefail

name="$1"
kubectl=(/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf)
if ! "${kubectl[@]}" get node "$name" >/dev/null 2>&1; then
    echo "node $name is not registered"
    exit 0
fi
"${kubectl[@]}" drain "$name" --ignore-daemonsets --force --delete-emptydir-data --timeout=120s || \
    echo "drain of $name did not finish; deleting it anyway" >&2
"${kubectl[@]}" delete node "$name"
