#!/bin/sh
# Writes the token to /var/lib/probe/probe.txt; prints the file's sha256.
set -eu
install -d -m 0755 /var/lib/probe
printf '%s' "$1" > /var/lib/probe/probe.txt
sha256sum /var/lib/probe/probe.txt | cut -d' ' -f1
