#!/bin/bash
# Runs on the master: deletes a replication controller and its pods.
# Usage: kube-delete-rc.sh NAME
set -euo pipefail

/opt/bin/kubectl --server=http://127.0.0.1:8080 delete replicationcontrollers "$1" --ignore-not-found
