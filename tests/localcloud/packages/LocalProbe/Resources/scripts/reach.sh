#!/bin/sh
# Prints, as JSON, whether this guest can open TCP connections to the broker (at the
# address murano-agent uses), to the host and to the outside world.
set -eu
broker=$(sed -n 's/^host *= *//p' /etc/murano/agent.conf)
port=$(sed -n 's/^port *= *//p' /etc/murano/agent.conf)
python3 - "$broker" "$port" <<'PY'
import json
import socket
import sys


def reaches(host, port):
    try:
        socket.create_connection((host, port), 3).close()
        return True
    except OSError:
        return False


print(json.dumps({"broker": reaches(sys.argv[1], int(sys.argv[2])),
                  "host": any(reaches("10.0.2.2", p) for p in (22, 80, 5672)),
                  "outside": reaches("1.1.1.1", 80) or reaches("8.8.8.8", 53)}))
PY
