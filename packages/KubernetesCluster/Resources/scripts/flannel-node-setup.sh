#!/bin/bash
# Starts flanneld (VXLAN over the VM's fixed IP) and installs the Flannel
# CNI configuration for the kubelet.
# Usage: flannel-node-setup.sh IP
set -euo pipefail
cd "$(dirname "$0")"

ip="$1"
install -m 0644 systemd/flanneld.service /etc/systemd/system/flanneld.service
echo "FLANNEL_OPTS=-etcd-endpoints=http://127.0.0.1:2379 -public-ip=$ip -ip-masq" > /etc/default/flanneld

install -d /etc/cni/net.d
rm -f /etc/cni/net.d/10-calico.conflist
install -m 0644 cni/10-flannel.conflist /etc/cni/net.d/10-flannel.conflist

systemctl daemon-reload
systemctl enable flanneld.service
systemctl restart flanneld.service
for _ in $(seq 1 30); do
    if [[ -s /run/flannel/subnet.env ]]; then
        cat /run/flannel/subnet.env
        exit 0
    fi
    sleep 2
done
echo "flanneld did not lease a subnet" >&2
exit 1
