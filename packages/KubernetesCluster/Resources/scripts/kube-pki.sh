#!/bin/bash
# Certificate helpers of the Kubernetes cluster scripts (sourced, not run). The master keeps
# the cluster CA; nodes keep their private keys and send certificate requests, which the
# master checks (signature and exact subject) before signing. Requests and certificates
# travel as "bundles": PEM blocks, each after a "# LABEL" line.
set -euo pipefail

PKI=${KUBE_PKI_DIR:-/etc/kubernetes/pki}
CERT_DAYS=3650

pki_init() {
    install -d -m 0700 "$PKI"
    umask 077
}

# pki_key NAME: $PKI/NAME.key, an ECDSA P-256 key made once and kept.
pki_key() {
    [ -s "$PKI/$1.key" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$PKI/$1.key"
}

# pki_ca: the cluster CA ($PKI/ca.key, ca.crt), made once.
pki_ca() {
    pki_key ca
    if [ ! -s "$PKI/ca.crt" ]; then
        openssl req -x509 -new -sha256 -key "$PKI/ca.key" -days "$CERT_DAYS" \
            -subj "/CN=murano-kubernetes-ca" -out "$PKI/ca.crt"
    fi
}

# pki_csr NAME SUBJECT: a request for NAME's key with SUBJECT (e.g. /O=group/CN=user).
pki_csr() {
    pki_key "$1"
    openssl req -new -sha256 -key "$PKI/$1.key" -subj "$2" -out "$PKI/$1.csr"
}

# pki_sign CSR_FILE OUT_FILE USAGE [SAN]: signs with the CA. USAGE is client or server.
pki_sign() {
    local csr=$1 out=$2 usage=$3 san=${4:-} ext
    ext=$(mktemp)
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        if [ "$usage" = server ]; then
            echo "extendedKeyUsage=serverAuth"
        else
            echo "extendedKeyUsage=clientAuth"
        fi
        [ -z "$san" ] || echo "subjectAltName=$san"
    } > "$ext"
    openssl x509 -req -sha256 -in "$csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -days "$CERT_DAYS" -extfile "$ext" \
        -out "$out" 2>/dev/null
    rm -f "$ext"
}

# pki_cert NAME SUBJECT USAGE [SAN]: key, request and CA-signed certificate on this host.
pki_cert() {
    pki_csr "$1" "$2"
    pki_sign "$PKI/$1.csr" "$PKI/$1.crt" "$3" "${4:-}"
    rm -f "$PKI/$1.csr"
}

# csr_subject FILE: the request's subject as "CN=...,O=..." (RFC 2253).
csr_subject() {
    openssl req -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'
}

# bundle_add LABEL FILE: prints one bundle entry.
bundle_add() {
    echo "# $1"
    cat "$2"
}

# bundle_get LABEL: the PEM block after "# LABEL" in the bundle read from stdin.
bundle_get() {
    awk -v label="# $1" '
        $0 == label { inside = 1; next }
        /^# / { inside = 0 }
        inside { print }'
}

# kubeconfig_write FILE SERVER USER NAME: a kubeconfig with the CA, USER's certificate
# and key ($PKI/NAME.crt, NAME.key) embedded, so the file can be copied as it is.
kubeconfig_write() {
    local file=$1 server=$2 user=$3 name=$4
    install -d "$(dirname "$file")"
    cat > "$file.tmp" <<CONF
apiVersion: v1
kind: Config
clusters:
  - name: murano
    cluster:
      server: $server
      certificate-authority-data: $(base64 -w0 < "$PKI/ca.crt")
users:
  - name: $user
    user:
      client-certificate-data: $(base64 -w0 < "$PKI/$name.crt")
      client-key-data: $(base64 -w0 < "$PKI/$name.key")
contexts:
  - name: murano
    context:
      cluster: murano
      user: $user
current-context: murano
CONF
    chmod 0600 "$file.tmp"
    mv "$file.tmp" "$file"
}

# first_service_ip CIDR: the address the API server's "kubernetes" service gets (x.y.z.1).
first_service_ip() {
    local network=${1%/*} a b c d
    IFS=. read -r a b c d <<< "$network"
    echo "$a.$b.$c.$((d + 1))"
}
