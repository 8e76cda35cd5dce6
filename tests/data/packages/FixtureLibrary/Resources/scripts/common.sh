#!/bin/bash
# Helpers sourced by the fixture scripts.
ensure_dir() {
    mkdir -p "$1"
}
