#!/bin/bash
# Runs on the master: creates or replaces a service, then publishes its
# gateway routes in etcd, where confd on every gateway picks them up.
# Usage: kube-update-service.sh FILE create|replace NAME [PROTO/PORT/SERVICE_IP/SERVICE_PORT ...]
set -euo pipefail
cd "$(dirname "$0")"

file="$1"
mode="$2"
name="$3"
shift 3
etcdctl=(env ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379)

bash ./kube-apply.sh "$file" "$mode"

"${etcdctl[@]}" del --prefix "/murano/gateway/$name/" >/dev/null
for route in "$@"; do
    IFS=/ read -r proto port service_ip service_port <<< "$route"
    "${etcdctl[@]}" put "/murano/gateway/$name/$proto-$port" "$service_ip:$service_port" >/dev/null
    echo "route $proto $port -> $service_ip:$service_port"
done
