#!/bin/bash
# Logs the Docker engine in to gcr.io with a service-account JSON key.
# Usage: gcloud-login.sh KEY_FILE
set -euo pipefail

key_file="$1"
if [[ ! -s $key_file ]]; then
    echo "key file $key_file is missing or empty" >&2
    exit 2
fi
docker login --username _json_key --password-stdin https://gcr.io < "$key_file"
