#!/bin/bash
# Runs on the master: deletes services and their gateway routes.
# Usage: kube-delete-services.sh NAME...
set -euo pipefail

kubectl=(/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf)
etcdctl=(env ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379)
for name in "$@"; do
    "${kubectl[@]}" delete service "$name" --ignore-not-found
    "${etcdctl[@]}" del --prefix "/murano/gateway/$name/" >/dev/null
done
