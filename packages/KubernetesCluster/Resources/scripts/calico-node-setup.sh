#!/bin/bash
# Starts the calico-node service (Felix with VXLAN, no BGP) and installs the
# Calico CNI configuration for the kubelet.
# Usage: calico-node-setup.sh NAME IP
set -euo pipefail
cd "$(dirname "$0")"

name="$1"
ip="$2"
install -m 0644 systemd/calico-node.service /etc/systemd/system/calico-node.service
cat > /etc/default/calico-node <<CONF
NODENAME=$name
IP=$ip
DATASTORE_TYPE=etcdv3
ETCD_ENDPOINTS=http://127.0.0.1:2379
CALICO_NETWORKING_BACKEND=vxlan
CONF

install -d /etc/cni/net.d
rm -f /etc/cni/net.d/10-flannel.conflist
sed "s/@NODENAME@/$name/" cni/10-calico.conflist > /etc/cni/net.d/10-calico.conflist
chmod 0644 /etc/cni/net.d/10-calico.conflist

systemctl daemon-reload
systemctl enable calico-node.service
systemctl restart calico-node.service
echo "calico-node started on $name ($ip)"
