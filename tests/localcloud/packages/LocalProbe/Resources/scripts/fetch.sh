#!/bin/sh
# Fetches the probe file from the server VM over the environment network.
set -eu
python3 - "$1" <<'PY'
import sys
import time
import urllib.request

url = f"http://{sys.argv[1]}:8080/probe.txt"
for attempt in range(30):
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            sys.stdout.write(answer.read().decode())
            break
    except OSError as exc:
        print(f"attempt {attempt}: {exc}", file=sys.stderr)
        time.sleep(1)
else:
    sys.exit(1)
PY
