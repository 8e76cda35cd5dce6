#!/bin/bash
# Starts etcd on the master as the only member of a new cluster. Clients (the API server,
# Calico, Flannel, confd, etcdctl) are local on every node: the client port listens on
# 127.0.0.1 only, and only the peer port (2380) is open to the cluster network.
# Usage: etcd-master-setup.sh NAME IP
set -euo pipefail
cd "$(dirname "$0")"

name="$1"
ip="$2"

install -m 0644 systemd/etcd.service /etc/systemd/system/etcd.service
cat > /etc/default/etcd <<CONF
ETCD_NAME=$name
ETCD_DATA_DIR=/var/lib/etcd
ETCD_LISTEN_PEER_URLS=http://$ip:2380
ETCD_LISTEN_CLIENT_URLS=http://127.0.0.1:2379
ETCD_ADVERTISE_CLIENT_URLS=http://127.0.0.1:2379
ETCD_INITIAL_ADVERTISE_PEER_URLS=http://$ip:2380
ETCD_INITIAL_CLUSTER=$name=http://$ip:2380
ETCD_INITIAL_CLUSTER_STATE=new
CONF

systemctl daemon-reload
systemctl enable etcd.service
systemctl restart etcd.service

for _ in $(seq 1 60); do
    if ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379 endpoint health >/dev/null 2>&1; then
        echo "etcd is up on $name"
        exit 0
    fi
    sleep 2
done
echo "etcd did not become healthy on $name" >&2
exit 1
