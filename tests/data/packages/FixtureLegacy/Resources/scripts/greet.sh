#!/bin/sh
# Prints the greeting and reports success.
echo "${1:-hello}"
echo ok
