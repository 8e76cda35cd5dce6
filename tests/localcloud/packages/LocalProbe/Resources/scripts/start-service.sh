#!/bin/sh
# Serves /var/lib/probe on ADDRESS:8080 with a systemd unit; prints the unit's state.
set -eu
address="$1"
cat > /etc/systemd/system/probe-http.service <<UNIT
[Unit]
Description=muranokit local cloud probe: serves /var/lib/probe
After=network-online.target

[Service]
ExecStart=/usr/bin/python3 -m http.server 8080 --bind $address --directory /var/lib/probe
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now probe-http.service >&2
for _ in $(seq 1 30); do
    if python3 -c "import socket; socket.create_connection(('$address', 8080), 2)" 2>/dev/null; then
        break
    fi
    sleep 1
done
systemctl is-active probe-http.service
