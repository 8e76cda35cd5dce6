#!/bin/bash
# Turns a VM into a gateway: kube-proxy (so that service IPs are reachable), kubectl for
# root with the gateway's read-only identity, HAProxy, and confd rewriting the HAProxy
# configuration whenever the routes under /murano/gateway in etcd change.
# Usage: gateway-setup.sh NAME IP MASTER_IP POD_CIDR CERTIFICATES
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC1091
source ./kube-pki.sh

name="$1"
ip="$2"
master_ip="$3"
pod_cidr="$4"
certificates="$5"
api="https://$master_ip:6443"

bash ./kube-install-certs.sh "$certificates" kube-proxy gateway
kubeconfig_write /etc/kubernetes/kube-proxy.conf "$api" system:kube-proxy kube-proxy
kubeconfig_write /root/.kube/config "$api" "murano:gateway:$name" gateway

install -m 0644 systemd/kube-proxy.service /etc/systemd/system/kube-proxy.service
kube_proxy_opts=(
    --kubeconfig=/etc/kubernetes/kube-proxy.conf --hostname-override="$name"
    --bind-address="$ip" --cluster-cidr="$pod_cidr" --proxy-mode=iptables
    --healthz-bind-address=127.0.0.1:10256 --logtostderr=true
)
umask 022
cat > /etc/default/kube-proxy <<CONF
KUBE_PROXY_OPTS=${kube_proxy_opts[*]}
CONF

install -d /etc/confd/conf.d /etc/confd/templates
install -m 0644 confd/haproxy.toml /etc/confd/conf.d/haproxy.toml
install -m 0644 confd/haproxy.tmpl /etc/confd/templates/haproxy.tmpl
install -m 0644 systemd/confd.service /etc/systemd/system/confd.service

# Render once before starting, so HAProxy never runs with a stale file.
/opt/bin/confd -onetime -backend etcdv3 -node http://127.0.0.1:2379 -confdir /etc/confd

systemctl daemon-reload
for unit in kube-proxy haproxy confd; do
    systemctl enable "$unit.service"
    systemctl restart "$unit.service"
done
echo "gateway $name is routing published services"
