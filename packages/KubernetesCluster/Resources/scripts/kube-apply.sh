#!/bin/bash
# Runs on the master: creates or replaces the object described in FILE.
# A create of an existing object falls back to replace and vice versa, so a
# retried deployment converges.
# Usage: kube-apply.sh FILE create|replace
set -euo pipefail

file="$1"
mode="$2"
kubectl=(/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf)

case "$mode" in
    create)
        if ! "${kubectl[@]}" create -f "$file"; then
            "${kubectl[@]}" replace -f "$file"
        fi
        ;;
    replace)
        if ! "${kubectl[@]}" replace -f "$file"; then
            "${kubectl[@]}" create -f "$file"
        fi
        ;;
    *)
        echo "mode must be create or replace, not $mode" >&2
        exit 2
        ;;
esac
