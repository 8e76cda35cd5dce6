#!/bin/bash
# Small helpers sourced by the fixture scripts.
log() {
    echo "fixture: $*"
}

install_web_root() {
    mkdir -p /var/www/fixture
    cp "$1" /var/www/fixture/index.html
}
