#!/bin/bash
# Opens one port in the local firewall.
set -eu
iptables -I INPUT -p "${2:-tcp}" --dport "${1}" -j ACCEPT
