#!/bin/bash
# Starts kube-apiserver (insecure port 8080 on all addresses),
# kube-controller-manager and kube-scheduler on the master, and configures
# kubectl for root.
# Usage: kube-master-setup.sh NAME IP SERVICE_CIDR
set -euo pipefail
cd "$(dirname "$0")"

name="$1"
ip="$2"
service_cidr="$3"

for unit in kube-apiserver kube-controller-manager kube-scheduler; do
    install -m 0644 "systemd/$unit.service" "/etc/systemd/system/$unit.service"
done

cat > /etc/default/kube-apiserver <<CONF
KUBE_APISERVER_OPTS=--etcd-servers=http://127.0.0.1:2379 --insecure-bind-address=0.0.0.0 --insecure-port=8080 --advertise-address=$ip --service-cluster-ip-range=$service_cidr --allow-privileged=true --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota --logtostderr=true
CONF
cat > /etc/default/kube-controller-manager <<CONF
KUBE_CONTROLLER_MANAGER_OPTS=--master=http://127.0.0.1:8080 --service-cluster-ip-range=$service_cidr --logtostderr=true
CONF
cat > /etc/default/kube-scheduler <<CONF
KUBE_SCHEDULER_OPTS=--master=http://127.0.0.1:8080 --logtostderr=true
CONF

./kubeconfig.sh http://127.0.0.1:8080 /root/.kube/config

systemctl daemon-reload
for unit in kube-apiserver kube-controller-manager kube-scheduler; do
    systemctl enable "$unit.service"
    systemctl restart "$unit.service"
done

for _ in $(seq 1 90); do
    if /opt/bin/kubectl --server=http://127.0.0.1:8080 get --raw /healthz >/dev/null 2>&1; then
        echo "Kubernetes control plane is up on $name"
        exit 0
    fi
    sleep 2
done
echo "kube-apiserver did not become healthy on $name" >&2
exit 1
