#!/bin/bash
# Restarts the fixture web server.
set -eu
systemctl restart fixture-web
