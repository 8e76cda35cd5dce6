#!/bin/bash
# Joins a worker VM to the cluster: Docker options, kubelet and kube-proxy
# pointed at the master's API server.
# Usage: kube-node-setup.sh NAME IP MASTER_IP REGISTRY MIRROR DNS_IP
set -euo pipefail
cd "$(dirname "$0")"

name="$1"
ip="$2"
master_ip="$3"
registry="$4"
mirror="$5"
dns_ip="$6"

./docker-options.sh "$registry" "$mirror"
./kubeconfig.sh "http://$master_ip:8080" /etc/kubernetes/node.kubeconfig

for unit in kubelet kube-proxy; do
    install -m 0644 "systemd/$unit.service" "/etc/systemd/system/$unit.service"
done
cat > /etc/default/kubelet <<CONF
KUBELET_OPTS=--kubeconfig=/etc/kubernetes/node.kubeconfig --hostname-override=$name --node-ip=$ip --network-plugin=cni --cni-conf-dir=/etc/cni/net.d --cni-bin-dir=/opt/cni/bin --cluster-dns=$dns_ip --cluster-domain=cluster.local --logtostderr=true
CONF
cat > /etc/default/kube-proxy <<CONF
KUBE_PROXY_OPTS=--kubeconfig=/etc/kubernetes/node.kubeconfig --hostname-override=$name --bind-address=$ip --proxy-mode=iptables --logtostderr=true
CONF

systemctl daemon-reload
for unit in kubelet kube-proxy; do
    systemctl enable "$unit.service"
    systemctl restart "$unit.service"
done

for _ in $(seq 1 60); do
    if /opt/bin/kubectl --kubeconfig=/etc/kubernetes/node.kubeconfig get node "$name" >/dev/null 2>&1; then
        echo "node $name registered with the master at $master_ip"
        exit 0
    fi
    sleep 2
done
echo "node $name did not register with the master at $master_ip" >&2
exit 1
