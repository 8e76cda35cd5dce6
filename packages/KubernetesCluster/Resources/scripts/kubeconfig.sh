#!/bin/bash
# Writes a kubeconfig that talks to the API server at SERVER (plain HTTP).
# Usage: kubeconfig.sh SERVER OUTPUT_FILE
set -euo pipefail

server="$1"
output="$2"
install -d "$(dirname "$output")"
cat > "$output" <<CONF
apiVersion: v1
kind: Config
clusters:
  - name: murano
    cluster:
      server: $server
contexts:
  - name: murano
    context:
      cluster: murano
      user: ""
current-context: murano
users: []
CONF
chmod 0644 "$output"
