#!/bin/bash
# Joins a worker VM to the cluster: Docker options, the certificates the master signed,
# then kubelet (TLS on 10250, client certificates and webhook authorization only, no
# read-only port) and kube-proxy, both talking to the API server at MASTER_IP:6443.
# Usage: kube-node-setup.sh NAME IP MASTER_IP REGISTRY MIRROR DNS_IP POD_CIDR CERTIFICATES
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC1091
source ./kube-pki.sh

name="$1"
ip="$2"
master_ip="$3"
registry="$4"
mirror="$5"
dns_ip="$6"
pod_cidr="$7"
certificates="$8"
api="https://$master_ip:6443"

bash ./docker-options.sh "$registry" "$mirror"
bash ./kube-install-certs.sh "$certificates" kubelet-client kubelet kube-proxy
kubeconfig_write /etc/kubernetes/kubelet.conf "$api" "system:node:$name" kubelet-client
kubeconfig_write /etc/kubernetes/kube-proxy.conf "$api" system:kube-proxy kube-proxy

for unit in kubelet kube-proxy; do
    install -m 0644 "systemd/$unit.service" "/etc/systemd/system/$unit.service"
done
kubelet_opts=(
    --kubeconfig=/etc/kubernetes/kubelet.conf --hostname-override="$name" --node-ip="$ip"
    --client-ca-file="$PKI/ca.crt" --anonymous-auth=false --authentication-token-webhook=true
    --authorization-mode=Webhook --read-only-port=0
    --tls-cert-file="$PKI/kubelet.crt" --tls-private-key-file="$PKI/kubelet.key"
    --cgroup-driver=systemd --network-plugin=cni --cni-conf-dir=/etc/cni/net.d
    --cni-bin-dir=/opt/cni/bin --cluster-dns="$dns_ip" --cluster-domain=cluster.local
    --logtostderr=true
)
kube_proxy_opts=(
    --kubeconfig=/etc/kubernetes/kube-proxy.conf --hostname-override="$name"
    --bind-address="$ip" --cluster-cidr="$pod_cidr" --proxy-mode=iptables
    --healthz-bind-address=127.0.0.1:10256 --logtostderr=true
)
umask 022
cat > /etc/default/kubelet <<CONF
KUBELET_OPTS=${kubelet_opts[*]}
CONF
cat > /etc/default/kube-proxy <<CONF
KUBE_PROXY_OPTS=${kube_proxy_opts[*]}
CONF

systemctl daemon-reload
for unit in kubelet kube-proxy; do
    systemctl enable "$unit.service"
    systemctl restart "$unit.service"
done

for _ in $(seq 1 60); do
    if /opt/bin/kubectl --kubeconfig=/etc/kubernetes/kubelet.conf get node "$name" \
            >/dev/null 2>&1; then
        echo "node $name registered with the master at $master_ip"
        exit 0
    fi
    sleep 2
done
echo "node $name did not register with the master at $master_ip" >&2
exit 1
