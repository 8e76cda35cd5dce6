#!/bin/sh
# Fails on purpose: the deployment must fail with this script's stderr.
echo "probe: about to fail"
echo "probe: deliberate failure (exit 7)" >&2
exit 7
