#!/bin/sh
# Writes the greeting where the web page would show it.
# shellcheck source-path=SCRIPTDIR
. ./common.sh
greeting="$1"
mkdir -p /var/www
echo "$greeting" > /var/www/index.html
log "greeting set"
