#!/bin/bash
# Restarts the Docker containers of a pod on this node. Kubernetes names
# them k8s_<container>_<pod>_<namespace>_<uid>_<attempt>, where the pod of a
# replication controller is called <rc>-<suffix>.
# Usage: restart-pod-containers.sh POD
set -euo pipefail

pod="$1"
mapfile -t ids < <(docker ps --format '{{.ID}} {{.Names}}' |
    awk -v pod="$pod" '{ split($2, part, "_"); if (part[3] == pod || index(part[3], pod "-") == 1) print $1 }')
if (( ${#ids[@]} == 0 )); then
    echo "no containers of pod $pod on $(hostname)"
    exit 0
fi
docker restart "${ids[@]}"
