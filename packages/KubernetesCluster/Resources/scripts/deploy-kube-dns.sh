#!/bin/bash
# Runs on the master: deploys the cluster DNS add-on (CoreDNS serving as
# kube-dns) with the given service IP and cluster domain.
# Usage: deploy-kube-dns.sh DNS_IP DOMAIN MASTER_IP
set -euo pipefail
cd "$(dirname "$0")"

dns_ip="$1"
domain="$2"
master_ip="$3"
manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
sed -e "s/@DNS_IP@/$dns_ip/g" -e "s/@DOMAIN@/$domain/g" -e "s/@MASTER_IP@/$master_ip/g" \
    addons/kube-dns.yaml > "$manifest"
/opt/bin/kubectl --server=http://127.0.0.1:8080 apply -f "$manifest"
