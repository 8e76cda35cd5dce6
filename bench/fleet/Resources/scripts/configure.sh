#!/bin/sh
# Pretends to configure one node of the fleet.
echo "configured $1"
