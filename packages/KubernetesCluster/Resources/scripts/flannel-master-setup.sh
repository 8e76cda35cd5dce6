#!/bin/bash
# Runs on the master: stores the Flannel network layout in etcd.
# Usage: flannel-master-setup.sh POD_CIDR
set -euo pipefail

cidr="$1"
config=$(printf '{"Network": "%s", "SubnetLen": 24, "Backend": {"Type": "vxlan"}}' "$cidr")
ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379 \
    put /coreos.com/network/config "$config"
