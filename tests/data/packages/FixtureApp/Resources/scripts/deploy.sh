#!/bin/bash
# Serves index.html on the given port with the distribution's web server.
set -eu
here="$(dirname "$0")"
# shellcheck source-path=SCRIPTDIR source=lib/util.sh
. "${here}/lib/util.sh"
port="${1:-8080}"
install_web_root "${here}/index.html"
log "listening on ${port}"
