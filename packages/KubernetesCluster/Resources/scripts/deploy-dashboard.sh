#!/bin/bash
# Runs on the master: deploys the Kubernetes dashboard add-on (HTTPS; users sign in with
# their own credentials through the API server proxy).
# Usage: deploy-dashboard.sh
set -euo pipefail
cd "$(dirname "$0")"

/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf apply -f addons/dashboard.yaml
