#!/bin/bash
# Runs on the master: creates the Calico IP pool for pods (VXLAN encapsulation).
# Usage: calico-master-setup.sh POD_CIDR
set -euo pipefail

cidr="$1"
export DATASTORE_TYPE=etcdv3 ETCD_ENDPOINTS=http://127.0.0.1:2379
/opt/bin/calicoctl apply -f - <<POOL
apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: murano-pods
spec:
  cidr: $cidr
  vxlanMode: Always
  ipipMode: Never
  natOutgoing: true
POOL
/opt/bin/calicoctl get ippool -o wide
