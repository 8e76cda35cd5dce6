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
/opt/bin/kubectl --server=http://127.0.0.1:8080 scale rc "$name" --replicas="$replicas"
