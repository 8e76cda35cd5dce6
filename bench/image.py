"""Benchmark of ``muranokit image``: a cold build, then a cached rebuild, and the image size.

Cold: an empty diskimage-builder cache (fresh debootstrap, every package downloaded).
Cached: the same build again with that cache (debootstrap tarball, apt archives).
Release files come from a cache of stand-in executables (muranokit.tools.image_standins),
so the figures measure the image pipeline, not the download of upstream binaries.
Run as root; takes about 10 minutes. Goals: cached rebuild <= 150 s, image <= 500 MiB.
Besides wall time it prints the CPU time of the build's processes and the load average, as
other work on the machine stretches wall time.

    python bench/image.py [--keep DIR] [--cached-only] [--compression zlib|zstd|none]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from muranokit.tools.image_standins import write_standins


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(output: Path, cache: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Run one build; returns (wall seconds, CPU seconds of all its processes, load after)."""
    started, cpu_before = time.monotonic(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "muranokit.tools.cli", "image", "-o",
                           str(output), "--cache", str(cache)], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}):\n{done.stdout[-4000:]}")
    for line in done.stdout.splitlines():
        print("   ", line)
    return elapsed, _children_cpu() - cpu_before, os.getloadavg()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to keep the caches and image in")
    parser.add_argument("--cached-only", action="store_true",
                        help="reuse the DIB cache under --keep; skip the cold build")
    parser.add_argument("--compression", choices=("zlib", "zstd", "none"), default="zlib",
                        help="qcow2 compression (MURANOKIT_QCOW2_COMPRESSION)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="muranokit-bench-", dir="/var/tmp"))
    base.mkdir(parents=True, exist_ok=True)
    release_files = base / "release-files"
    overrides = write_standins(release_files)
    env = {**os.environ, "DIB_MURANOKIT_PINS_OVERRIDE": str(overrides),
           "DIB_MURANOKIT_OFFLINE": "1", "DIB_IMAGE_CACHE": str(base / "dib-cache"),
           "PYTHONUNBUFFERED": "1", "MURANOKIT_QCOW2_COMPRESSION": args.compression}
    output = base / "debian8-x64-kubernetes.qcow2"
    figures = []
    if not args.cached_only:
        print("cold build (empty diskimage-builder cache) ...", flush=True)
        figures.append(("cold build", build(output, release_files, env)))
    print("cached build ...", flush=True)
    figures.append(("cached build", build(output, release_files, env)))
    size = output.stat().st_size / 2**20
    print()
    print(f"{'':14s} {'wall':>9s} {'CPU':>9s}  load (5 min)   [{os.cpu_count()} CPUs]")
    for name, (seconds, cpu, load) in figures:
        print(f"{name:14s} {seconds:7.1f} s {cpu:7.1f} s  {load:5.2f}")
    print(f"{'image size':14s} {size:7.1f} MiB  ({output}, {args.compression})")
    print("goals: cached build <= 150 s, image <= 500 MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
