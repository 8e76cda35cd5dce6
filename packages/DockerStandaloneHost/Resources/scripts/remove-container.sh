#!/bin/bash
# Removes a container if it exists.
# Usage: remove-container.sh NAME
set -euo pipefail

name="$1"
if docker container inspect "$name" >/dev/null 2>&1; then
    docker rm --force "$name"
else
    echo "container $name does not exist"
fi
