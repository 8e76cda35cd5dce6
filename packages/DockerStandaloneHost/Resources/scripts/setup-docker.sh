#!/bin/bash
# Writes /etc/docker/daemon.json for an optional insecure registry and a
# Docker Hub mirror, then (re)starts the Docker engine.
# Usage: setup-docker.sh REGISTRY MIRROR   (either may be empty)
set -euo pipefail

registry="${1:-}"
mirror="${2:-}"

# Only host names, ports and URLs are accepted: they end up inside JSON.
safe='^[A-Za-z0-9._:/@%+-]*$'
for value in "$registry" "$mirror"; do
    if ! [[ $value =~ $safe ]]; then
        echo "refusing unsafe registry/mirror value: $value" >&2
        exit 2
    fi
done

options=()
if [[ -n $registry ]]; then
    options+=("\"insecure-registries\": [\"$registry\"]")
fi
if [[ -n $mirror ]]; then
    options+=("\"registry-mirrors\": [\"$mirror\"]")
fi

mkdir -p /etc/docker
tmp=$(mktemp /etc/docker/daemon.json.XXXXXX)
{
    echo "{"
    for i in "${!options[@]}"; do
        if (( i + 1 < ${#options[@]} )); then
            echo "  ${options[$i]},"
        else
            echo "  ${options[$i]}"
        fi
    done
    echo "}"
} > "$tmp"
chmod 0644 "$tmp"
mv "$tmp" /etc/docker/daemon.json

systemctl enable docker.service
systemctl restart docker.service
docker info --format '{{.ServerVersion}}'
