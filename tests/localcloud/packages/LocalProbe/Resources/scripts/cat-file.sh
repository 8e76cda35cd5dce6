#!/bin/sh
# Prints the probe file.
set -eu
cat /var/lib/probe/probe.txt
