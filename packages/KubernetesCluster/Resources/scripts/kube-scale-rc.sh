#!/bin/bash
# Runs on the master: sets the replica count of a replication controller.
# Usage: kube-scale-rc.sh NAME REPLICAS
set -euo pipefail

name="$1"
replicas="$2"
if ! [[ $replicas =~ ^[0-9]+$ ]]; then
    echo "replica count must be a number, not $replicas" >&2
    exit 2
fi
/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf scale rc "$name" --replicas="$replicas"
