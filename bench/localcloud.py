"""Benchmark of ``muranokit deploy --cloud qemu``: the Kubernetes cluster on 3 local VMs.

Runs the deployment the ``localcloud`` tox env runs (1 master, 1 minion, 1 gateway and the
cluster probe), watching from outside, every half second: when each VM's console shows its
login prompt (booted), when the first execution plan reaches an agent (the first "Got an
execution plan" in any agent log), when the command ends (cluster ready), and each VM's
resident memory. Then the environment is deleted and the time that takes is printed too.
Budget (TCG, 2 cores): first plan <= 240 s after the command starts, <= 1.2 GiB per VM.

    python bench/localcloud.py --image IMAGE.qcow2 [--accel tcg|kvm] [--keep DIR]

``--accel tcg`` forces emulation (what CI machines without KVM get).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from muranokit.tools.localcloud import vm as vm_process

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "tests" / "localcloud" / "kubernetes-model.json"
PROBE = REPO / "tests" / "localcloud" / "packages" / "ClusterProbe"
DELETE = REPO / "tests" / "localcloud" / "delete-environment.json"
BUDGET_FIRST_PLAN = 240.0
BUDGET_RESIDENT_MIB = 1.2 * 1024


def cloud_record(state: Path) -> dict:
    """The local cloud of the run in progress (from the registry; the state comes last)."""
    from muranokit.tools.localcloud import registry
    for entry in registry.entries():
        if entry.get("state_dir") == str(state.resolve()):
            return entry
    return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, required=True, help="the VM image")
    parser.add_argument("--accel", choices=("tcg", "kvm"), help="force an accelerator")
    parser.add_argument("--keep", type=Path, help="state folder to use (and keep)")
    args = parser.parse_args()
    state = args.keep or Path(tempfile.mkdtemp(prefix="muranokit-bench-")) / "state"
    env = dict(os.environ)
    if args.accel:
        env["MURANOKIT_ACCEL"] = args.accel
    command = [sys.executable, "-m", "muranokit.tools.cli", "deploy", str(MODEL), "-p",
               str(PROBE), "--cloud", "qemu", "--image", str(args.image.resolve()),
               "--state", str(state), "--report", "json", "-o", str(state.parent / "r.jsonl")]
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    booted: dict[str, float] = {}
    first_plan = None
    peak: dict[str, float] = {}
    accel = None
    while proc.poll() is None:
        record = cloud_record(state)
        accel = record.get("accel") or accel
        for name, vm in (record.get("vms") or {}).items():
            folder = Path(vm["folder"])
            peak[name] = max(peak.get(name, 0.0), vm_process.resident_mib(vm["pid"]))
            console = folder / "console.log"
            if name not in booted and console.exists() and "login:" in console.read_text(
                    errors="replace"):
                booted[name] = time.monotonic() - started
            log = folder / "agent.log"
            if first_plan is None and log.exists() and "Got an execution plan" in log.read_text(
                    errors="replace"):
                first_plan = time.monotonic() - started
        time.sleep(0.5)
    ready = time.monotonic() - started
    err = proc.stderr.read() if proc.stderr else ""
    print(f"accelerator: {accel}; load average now {os.getloadavg()[0]:.1f}")
    print("command start -> VMs booted (login prompt): " + ", ".join(
        f"{name} {t:.0f} s" for name, t in sorted(booted.items(), key=lambda kv: kv[1])))
    print(f"command start -> first plan at an agent: "
          f"{first_plan:.0f} s" if first_plan else "no plan reached an agent")
    print(f"command start -> cluster ready (command done, exit {proc.returncode}): "
          f"{ready:.0f} s")
    print("peak resident memory per VM (MiB): " + ", ".join(
        f"{name} {mib:.0f}" for name, mib in sorted(peak.items())))
    if proc.returncode:
        print(err[-3000:])
    started = time.monotonic()
    if not args.keep:
        subprocess.run([sys.executable, "-m", "muranokit.tools.cli", "deploy", str(DELETE),
                        "--state", str(state)], cwd=REPO, capture_output=True)
        print(f"delete: {time.monotonic() - started:.0f} s")
    within = (first_plan is not None and first_plan <= BUDGET_FIRST_PLAN
              and all(v <= BUDGET_RESIDENT_MIB for v in peak.values()))
    print(f"budget (first plan <= {BUDGET_FIRST_PLAN:.0f} s, <= {BUDGET_RESIDENT_MIB:.0f} MiB "
          f"per VM): {'met' if within else 'NOT met'}")
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
