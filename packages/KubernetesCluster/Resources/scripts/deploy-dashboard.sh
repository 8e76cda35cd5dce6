#!/bin/bash
# Runs on the master: deploys the Kubernetes dashboard add-on, talking to the
# API server at MASTER_IP:8080.
# Usage: deploy-dashboard.sh MASTER_IP
set -euo pipefail
cd "$(dirname "$0")"

master_ip="$1"
manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
sed "s/@MASTER_IP@/$master_ip/g" addons/dashboard.yaml > "$manifest"
/opt/bin/kubectl --server=http://127.0.0.1:8080 apply -f "$manifest"
