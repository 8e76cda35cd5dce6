#!/bin/bash
# Starts etcd on a node that the master has just registered as a member (clients on
# 127.0.0.1 only, peers on IP:2380).
# Usage: etcd-member-setup.sh NAME IP INITIAL_CLUSTER
set -euo pipefail
cd "$(dirname "$0")"

name="$1"
ip="$2"
initial_cluster="$3"
if [[ -z $initial_cluster ]]; then
    echo "no initial cluster layout given for $name" >&2
    exit 2
fi

install -m 0644 systemd/etcd.service /etc/systemd/system/etcd.service
cat > /etc/default/etcd <<CONF
ETCD_NAME=$name
ETCD_DATA_DIR=/var/lib/etcd
ETCD_LISTEN_PEER_URLS=http://$ip:2380
ETCD_LISTEN_CLIENT_URLS=http://127.0.0.1:2379
ETCD_ADVERTISE_CLIENT_URLS=http://127.0.0.1:2379
ETCD_INITIAL_ADVERTISE_PEER_URLS=http://$ip:2380
ETCD_INITIAL_CLUSTER=$initial_cluster
ETCD_INITIAL_CLUSTER_STATE=existing
CONF

# A joining member must start empty; data from an earlier, failed join
# would carry a stale member id.
systemctl stop etcd.service 2>/dev/null || true
rm -rf /var/lib/etcd/member

systemctl daemon-reload
systemctl enable etcd.service
systemctl restart etcd.service

for _ in $(seq 1 60); do
    if ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379 endpoint health >/dev/null 2>&1; then
        echo "etcd member $name joined"
        exit 0
    fi
    sleep 2
done
echo "etcd member $name did not become healthy" >&2
exit 1
