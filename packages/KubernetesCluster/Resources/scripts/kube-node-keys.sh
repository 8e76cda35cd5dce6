#!/bin/bash
# Runs on a node or gateway: makes its private keys (once; they never leave the VM) and
# prints the certificate requests the master signs, as a bundle.
#   node:    kubelet-client (system:node:NAME), kubelet (serving, CN NAME), kube-proxy
#   gateway: kube-proxy, gateway (kubectl, group murano:gateways)
# Usage: kube-node-keys.sh NAME node|gateway
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC1091
source ./kube-pki.sh

name="$1"
role="$2"
pki_init
case "$role" in
    node)
        pki_csr kubelet-client "/O=system:nodes/CN=system:node:$name"
        pki_csr kubelet "/CN=$name"
        pki_csr kube-proxy "/CN=system:kube-proxy"
        labels="kubelet-client kubelet kube-proxy"
        ;;
    gateway)
        pki_csr kube-proxy "/CN=system:kube-proxy"
        pki_csr gateway "/O=murano:gateways/CN=murano:gateway:$name"
        labels="kube-proxy gateway"
        ;;
    *)
        echo "role must be node or gateway, not $role" >&2
        exit 2
        ;;
esac
for label in $labels; do
    bundle_add "$label" "$PKI/$label.csr"
done
