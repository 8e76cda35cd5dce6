#!/bin/bash
# Runs on the master: deletes the pods matching a label selector.
# Usage: kube-delete-pods.sh SELECTOR     e.g. id=web,tier=front
set -euo pipefail

selector="$1"
if [[ -z $selector ]]; then
    echo "refusing to delete pods without a selector" >&2
    exit 2
fi
/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf delete pod --selector "$selector" --ignore-not-found
