"""``muranokit clouds``: list the local qemu clouds of this machine, remove leftovers."""

from __future__ import annotations

import argparse
import sys

HELP = ("list the local clouds (--cloud qemu) on this machine: VMs, broker, switches, "
        "memory; remove one or all of them")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=("list", "remove"), default="list",
                        help="list (default) or remove")
    parser.add_argument("ids", nargs="*", metavar="ID", help="clouds to remove (see list)")
    parser.add_argument("--all", action="store_true", help="remove every local cloud")


def _line(status) -> str:
    vms = ", ".join(f"{name} ({'running' if up else 'stopped'}"
                    + (f", {status.memory_mib[name]} MiB" if status.memory_mib.get(name) else "")
                    + ")" for name, up in status.vms.items()) or "no VMs"
    if not status.recorded:
        return (f"{status.id}  unrecorded processes {', '.join(map(str, status.pids))} "
                "(left by a killed command)")
    broker = {None: "existing broker", True: "broker running", False: "broker stopped"}[
        status.broker]
    where = status.state_dir or "(no --state: temporary)"
    return f"{status.id}  {where}  {vms}; {broker}; {status.switches} switch(es) running"


def run(args: argparse.Namespace) -> int:
    from muranokit.tools.exceptions import EXIT_OK, EXIT_USAGE, InputError
    from muranokit.tools.localcloud import leftovers

    if args.action == "list":
        if args.ids or args.all:
            raise InputError("`clouds list` takes no ID and no --all")
        found = leftovers.survey()
        for status in found:
            print(_line(status))
        if not found:
            print("no local clouds")
        return EXIT_OK
    if not args.ids and not args.all:
        raise InputError("`clouds remove` needs cloud IDs (see `muranokit clouds`) or --all")
    ids = [s.id for s in leftovers.survey()] if args.all else args.ids
    code = EXIT_OK
    for cloud_id in ids:
        if leftovers.remove(cloud_id):
            print(f"removed {cloud_id}")
        else:
            print(f"muranokit: error: no local cloud {cloud_id}", file=sys.stderr)
            code = EXIT_USAGE
    return code
