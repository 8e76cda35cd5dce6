#!/bin/sh
# Prints the sha256 of the probe file, read back from disk.
set -eu
sync
sha256sum /var/lib/probe/probe.txt | cut -d' ' -f1
