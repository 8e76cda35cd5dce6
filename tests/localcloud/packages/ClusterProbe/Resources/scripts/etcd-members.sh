#!/bin/sh
# Prints `etcdctl member list` (ID, status, name, peer URLs, client URLs, learner).
set -eu
ETCDCTL_API=3 /opt/bin/etcdctl --endpoints=http://127.0.0.1:2379 member list
