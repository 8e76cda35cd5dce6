#!/bin/bash
# Turns a VM into a gateway: kube-proxy (so that service IPs are reachable),
# HAProxy, and confd rewriting the HAProxy configuration whenever the routes
# under /murano/gateway in etcd change.
# Usage: gateway-setup.sh NAME IP MASTER_IP
set -euo pipefail
cd "$(dirname "$0")"

name="$1"
ip="$2"
master_ip="$3"

./kubeconfig.sh "http://$master_ip:8080" /etc/kubernetes/node.kubeconfig
install -m 0644 systemd/kube-proxy.service /etc/systemd/system/kube-proxy.service
cat > /etc/default/kube-proxy <<CONF
KUBE_PROXY_OPTS=--kubeconfig=/etc/kubernetes/node.kubeconfig --hostname-override=$name --bind-address=$ip --proxy-mode=iptables --logtostderr=true
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
