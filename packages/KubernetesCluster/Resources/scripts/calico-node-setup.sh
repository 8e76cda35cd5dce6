#!/bin/bash
# Starts the calico-node service (Felix with VXLAN, no BGP) and installs the Calico CNI
# configuration for the kubelet. The first calico-node to start (the master's) creates the
# IP pool POD_CIDR (VXLAN, NAT outgoing); later ones find it and leave it alone.
# Usage: calico-node-setup.sh NAME IP POD_CIDR
set -euo pipefail
cd "$(dirname "$0")"

name="$1"
ip="$2"
pod_cidr="$3"
install -m 0644 systemd/calico-node.service /etc/systemd/system/calico-node.service
cat > /etc/default/calico-node <<CONF
NODENAME=$name
CALICO_K8S_NODE_REF=$name
IP=$ip
DATASTORE_TYPE=etcdv3
ETCD_ENDPOINTS=http://127.0.0.1:2379
CALICO_NETWORKING_BACKEND=vxlan
CALICO_IPV4POOL_CIDR=$pod_cidr
CALICO_IPV4POOL_VXLAN=Always
CALICO_IPV4POOL_IPIP=Never
CALICO_IPV4POOL_NAT_OUTGOING=true
CONF

install -d /etc/cni/net.d /var/run/calico /var/lib/calico /var/log/calico
rm -f /etc/cni/net.d/10-flannel.conflist
sed "s/@NODENAME@/$name/" cni/10-calico.conflist > /etc/cni/net.d/10-calico.conflist
chmod 0644 /etc/cni/net.d/10-calico.conflist

systemctl daemon-reload
systemctl enable calico-node.service
systemctl restart calico-node.service
echo "calico-node started on $name ($ip)"
