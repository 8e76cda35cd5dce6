#!/bin/bash
# Installs the certificates the master signed for this node (a bundle, see kube-pki.sh),
# each checked against the private key kube-node-keys.sh kept, and the cluster CA.
# Usage: kube-install-certs.sh CERTIFICATES LABEL...
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC1091
source ./kube-pki.sh

certificates="$1"
shift
pki_init
bundle_get ca <<< "$certificates" > "$PKI/ca.crt.new"
if ! openssl x509 -in "$PKI/ca.crt.new" -noout 2>/dev/null; then
    rm -f "$PKI/ca.crt.new"
    echo "no cluster CA certificate was given" >&2
    exit 1
fi
mv "$PKI/ca.crt.new" "$PKI/ca.crt"
for label in "$@"; do
    bundle_get "$label" <<< "$certificates" > "$PKI/$label.crt.new"
    cert_key=$(openssl x509 -in "$PKI/$label.crt.new" -noout -pubkey 2>/dev/null || true)
    own_key=$(openssl pkey -in "$PKI/$label.key" -pubout 2>/dev/null || true)
    if [ -z "$cert_key" ] || [ "$cert_key" != "$own_key" ]; then
        rm -f "$PKI/$label.crt.new"
        echo "the $label certificate does not match this node's key" >&2
        exit 1
    fi
    if ! openssl verify -CAfile "$PKI/ca.crt" "$PKI/$label.crt.new" >/dev/null; then
        rm -f "$PKI/$label.crt.new"
        echo "the $label certificate is not signed by the cluster CA" >&2
        exit 1
    fi
    mv "$PKI/$label.crt.new" "$PKI/$label.crt"
done
