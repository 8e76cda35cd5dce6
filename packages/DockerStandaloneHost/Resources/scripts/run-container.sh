#!/bin/bash
# Starts a container that restarts with the host.
# Usage: run-container.sh --name NAME --image IMAGE [--env K=V]...
#        [--publish [IP:]HOST:CONTAINER/PROTO]... [--volume [HOST:]PATH]...
#        [--privileged] -- [COMMAND ARGS...]
set -euo pipefail

name=""
image=""
run_args=(--detach --restart unless-stopped)
while (( $# > 0 )); do
    case "$1" in
        --name) name="$2"; shift 2 ;;
        --image) image="$2"; shift 2 ;;
        --env) run_args+=(--env "$2"); shift 2 ;;
        --publish) run_args+=(--publish "$2"); shift 2 ;;
        --volume) run_args+=(--volume "$2"); shift 2 ;;
        --privileged) run_args+=(--privileged); shift ;;
        --) shift; break ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
if [[ -z $name || -z $image ]]; then
    echo "--name and --image are required" >&2
    exit 2
fi

docker rm --force "$name" >/dev/null 2>&1 || true
docker run --name "$name" "${run_args[@]}" "$image" "$@"
