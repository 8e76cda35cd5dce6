#!/bin/bash
# Runs on the master: checks a node's certificate requests (each must carry the request's
# own signature and exactly the subject its role allows) and prints the signed
# certificates and the cluster CA as a bundle.
# Usage: kube-sign-node.sh NAME IP node|gateway REQUESTS
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC1091
source ./kube-pki.sh

name="$1"
ip="$2"
role="$3"
requests="$4"
case "$role" in
    node) wanted="kubelet-client kubelet kube-proxy" ;;
    gateway) wanted="kube-proxy gateway" ;;
    *) echo "role must be node or gateway, not $role" >&2; exit 2 ;;
esac

expected_subject() {
    case "$1" in
        kubelet-client) echo "CN=system:node:$name,O=system:nodes" ;;
        kubelet) echo "CN=$name" ;;
        kube-proxy) echo "CN=system:kube-proxy" ;;
        gateway) echo "CN=murano:gateway:$name,O=murano:gateways" ;;
    esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bundle_add ca "$PKI/ca.crt"
for label in $wanted; do
    bundle_get "$label" <<< "$requests" > "$work/$label.csr"
    if ! openssl req -in "$work/$label.csr" -noout -verify 2>/dev/null; then
        echo "no valid $label certificate request from $name" >&2
        exit 1
    fi
    subject=$(csr_subject "$work/$label.csr")
    if [ "$subject" != "$(expected_subject "$label")" ]; then
        echo "refusing $label request of $name for '$subject'" >&2
        exit 1
    fi
    if [ "$label" = kubelet ]; then
        pki_sign "$work/$label.csr" "$work/$label.crt" server "DNS:$name,IP:$ip"
    else
        pki_sign "$work/$label.csr" "$work/$label.crt" client
    fi
    bundle_add "$label" "$work/$label.crt"
done
