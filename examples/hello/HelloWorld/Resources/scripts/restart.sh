#!/bin/sh
# Restarts the (pretend) service.
# shellcheck source-path=SCRIPTDIR
. ./common.sh
log "restarted"
