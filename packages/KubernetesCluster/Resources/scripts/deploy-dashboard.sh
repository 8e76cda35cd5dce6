#!/bin/bash
# Runs on the master: deploys the Kubernetes dashboard add-on.
# Usage: deploy-dashboard.sh
set -euo pipefail
cd "$(dirname "$0")"

/opt/bin/kubectl --server=http://127.0.0.1:8080 apply -f addons/dashboard.yaml
