#!/bin/bash
# Writes /etc/docker/daemon.json for an optional insecure registry and a
# Docker Hub mirror, then restarts Docker.
# Usage: docker-options.sh REGISTRY MIRROR   (either may be empty)
set -euo pipefail

registry="${1:-}"
mirror="${2:-}"

safe='^[A-Za-z0-9._:/@%+-]*$'
for value in "$registry" "$mirror"; do
    if ! [[ $value =~ $safe ]]; then
        echo "refusing unsafe registry/mirror value: $value" >&2
        exit 2
    fi
done

entries=()
[[ -n $registry ]] && entries+=("\"insecure-registries\": [\"$registry\"]")
[[ -n $mirror ]] && entries+=("\"registry-mirrors\": [\"$mirror\"]")

joined=""
for entry in "${entries[@]}"; do
    joined="${joined:+$joined, }$entry"
done

mkdir -p /etc/docker
tmp=$(mktemp /etc/docker/daemon.json.XXXXXX)
echo "{${joined}}" > "$tmp"
chmod 0644 "$tmp"
mv "$tmp" /etc/docker/daemon.json

systemctl enable docker.service
systemctl restart docker.service
