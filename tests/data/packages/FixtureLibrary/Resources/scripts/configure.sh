#!/bin/bash
# Writes one key=value line per setting into the service's configuration file.
set -eu
here="$(dirname "$0")"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "${here}/common.sh"
conf="/etc/fixture/${1:-service}.conf"
ensure_dir "$(dirname "$conf")"
: > "$conf"
echo "configured ${conf}"
