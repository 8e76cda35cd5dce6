#!/bin/bash
# Runs on the master: deletes a replication controller and its pods.
# Usage: kube-delete-rc.sh NAME
set -euo pipefail

/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf delete replicationcontrollers "$1" --ignore-not-found
