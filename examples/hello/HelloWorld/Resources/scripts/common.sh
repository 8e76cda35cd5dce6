#!/bin/sh
# Shared helpers of the Hello World scripts.
log() {
    echo "hello-world: $*"
}
