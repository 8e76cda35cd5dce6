#!/bin/bash
# Runs on the master: deploys the cluster DNS add-on (CoreDNS serving as kube-dns, with its
# own service account) with the given service IP and cluster domain.
# Usage: deploy-kube-dns.sh DNS_IP DOMAIN
set -euo pipefail
cd "$(dirname "$0")"

dns_ip="$1"
domain="$2"
manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
sed -e "s/@DNS_IP@/$dns_ip/g" -e "s/@DOMAIN@/$domain/g" addons/kube-dns.yaml > "$manifest"
/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf apply -f "$manifest"
