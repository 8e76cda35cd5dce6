#!/bin/bash
# Pulls an image, retrying a few times on flaky networks.
# Usage: pull-image.sh IMAGE
set -euo pipefail

image="$1"
for attempt in 1 2 3 4 5; do
    if docker pull "$image"; then
        exit 0
    fi
    echo "pull of $image failed (attempt $attempt), retrying" >&2
    sleep $((attempt * 5))
done
echo "could not pull $image" >&2
exit 1
