"""Benchmark of ``muranokit image``: a cold build, then a cached rebuild, and the image size.

Cold: an empty diskimage-builder cache (fresh debootstrap, every package downloaded).
Cached: the same build again with that cache (debootstrap tarball, apt archives).
Release files come from a cache of stand-in executables (muranokit.tools.image_standins),
so the figures measure the image pipeline, not the download of upstream binaries; with
``--release-files DIR`` (a ``muranokit image --cache`` folder holding the real, pinned files)
the build uses those instead. Only then is the image size judged against its goal: a build
with tiny stand-ins says "not measured" for it.
Run as root; takes about 10 minutes. Goals: cached rebuild <= 150 s, image <= 500 MiB.
Besides wall time it prints the CPU time of the build's processes and the load average, as
other work on the machine stretches wall time. Each build is checked: it must exit 0 and
leave a qcow2 image qemu-img can read; otherwise the bench stops with exit status 1.

    python bench/image.py [--keep DIR] [--cached-only] [--compression zlib|zstd|none]
                          [--release-files DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchcheck import BenchFailure, run_checked

from muranokit.tools.image_standins import write_standins

GOAL_CACHED_SECONDS = 150
GOAL_SIZE_MIB = 500


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
        raise BenchFailure(f"build failed ({done.returncode}):\n{done.stdout[-4000:]}")
    for line in done.stdout.splitlines():
        print("   ", line)
    check_image(output)
    return elapsed, _children_cpu() - cpu_before, os.getloadavg()[1]


def check_image(output: Path) -> None:
    """Stop the bench unless ``output`` is a qcow2 image with a disk inside."""
    if not output.is_file():
        raise BenchFailure(f"the build exited 0 but wrote no {output}")
    info = json.loads(run_checked(["qemu-img", "info", "--output", "json", str(output)],
                                  f"qemu-img info {output}").stdout)
    if info.get("format") != "qcow2" or not info.get("virtual-size"):
        raise BenchFailure(f"{output} is not a qcow2 disk image: format "
                           f"{info.get('format')!r}, virtual size {info.get('virtual-size')!r}")


def size_verdict(size_mib: float, real_release_files: bool) -> str:
    """The image-size line's verdict: judged only on an image built with the real files."""
    if not real_release_files:
        return (f"goal <= {GOAL_SIZE_MIB} MiB: not measured (tiny stand-in release files; "
                "give --release-files)")
    met = "met" if size_mib <= GOAL_SIZE_MIB else "NOT met"
    return f"goal <= {GOAL_SIZE_MIB} MiB: {met}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to keep the caches and image in")
    parser.add_argument("--cached-only", action="store_true",
                        help="reuse the DIB cache under --keep; skip the cold build")
    parser.add_argument("--compression", choices=("zlib", "zstd", "none"), default="zlib",
                        help="qcow2 compression (MURANOKIT_QCOW2_COMPRESSION)")
    parser.add_argument("--release-files", type=Path, metavar="DIR",
                        help="folder with the real pinned release files (checked against the "
                             "pins); without it, tiny stand-ins are used")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="muranokit-bench-", dir="/var/tmp"))
    base.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DIB_MURANOKIT_OFFLINE": "1", "DIB_IMAGE_CACHE": str(base / "dib-cache"),
           "PYTHONUNBUFFERED": "1", "MURANOKIT_QCOW2_COMPRESSION": args.compression}
    env.pop("DIB_MURANOKIT_PINS_OVERRIDE", None)
    if args.release_files:
        release_files = args.release_files
    else:
        release_files = base / "release-files"
        env["DIB_MURANOKIT_PINS_OVERRIDE"] = str(write_standins(release_files))
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
    print(f"{'image size':14s} {size:7.1f} MiB  ({output}, {args.compression}; "
          f"{size_verdict(size, args.release_files is not None)})")
    cached = figures[-1][1][0]
    print(f"goal: cached build <= {GOAL_CACHED_SECONDS} s: "
          f"{'met' if cached <= GOAL_CACHED_SECONDS else 'NOT met'}")
    print("every build checked (exit 0, a qcow2 image qemu-img reads)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
