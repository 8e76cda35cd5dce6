#!/bin/bash
# Runs on the master: deploys Calico's Kubernetes controllers (etcd mode).
# Usage: deploy-calico-controllers.sh
set -euo pipefail
cd "$(dirname "$0")"

/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf apply \
    -f addons/calico-kube-controllers.yaml
