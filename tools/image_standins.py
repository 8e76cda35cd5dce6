"""Stand-in release files for offline test builds of the image.

The real Kubernetes, etcd, Calico, Flannel and confd release files cannot always be
downloaded (CI, air-gapped machines). For tests and benchmarks this module fills a cache
folder with small executables under the pinned names, each printing its name and version,
and writes the ``NAME SHA256`` override file that lets ``muranokit-fetch`` accept them.
Real builds never use this: without the override every file must match its pinned
checksum, and a file pinned as ``-`` stops the build.
"""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
from pathlib import Path

from muranokit.engine.files import write_file
from muranokit.tools import image_pins
from muranokit.tools.image import REPO_ELEMENTS
from muranokit.tools.image_pins import Pin


def read_pins(elements_dir: Path = REPO_ELEMENTS) -> list[Pin]:
    """Every pinned file of every element (``@when`` guards included: all are listed)."""
    return image_pins.read_pins(elements_dir)


def _tool_name(pin_name: str) -> tuple[str, str]:
    """``calicoctl-v3.26.4`` -> (``calicoctl``, ``v3.26.4``)."""
    match = re.match(r"^(.*?)-v?(\d+\.\d+\.\d+)", pin_name)
    if not match:
        return pin_name, "unknown"
    version = pin_name[len(match.group(1)) + 1:].split("-linux")[0]
    return match.group(1), version


def standin_script(tool: str, version: str) -> bytes:
    """A tiny executable that prints what it stands in for (any arguments)."""
    return (f"#!/bin/sh\n# muranokit test stand-in for {tool}\n"
            f"echo \"{tool} {version} (muranokit test stand-in)\"\n").encode()


def _tarball(top: str, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.GNU_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            info.mode = 0o755
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


KUBERNETES_SERVER_BINARIES = ("kube-apiserver", "kube-controller-manager", "kube-scheduler",
                              "kube-proxy", "kubelet", "kubectl")


def standin_content(pin_name: str) -> bytes:
    """The stand-in bytes for one pinned file name."""
    if pin_name.startswith("kubernetes-server-") and pin_name.endswith(".tar.gz"):
        version = pin_name[len("kubernetes-server-"):].split("-linux")[0]
        return _tarball("kubernetes/server/bin",
                        {tool: standin_script(tool, version)
                         for tool in KUBERNETES_SERVER_BINARIES})
    if pin_name.startswith("etcd-") and pin_name.endswith(".tar.gz"):
        top = pin_name[: -len(".tar.gz")]
        version = top.split("-")[1]
        return _tarball(top, {tool: standin_script(tool, version)
                              for tool in ("etcd", "etcdctl")})
    tool, version = _tool_name(pin_name)
    return standin_script(tool, version)


def write_standins(cache: Path, skip: tuple[str, ...] = ()) -> Path:
    """Fill ``cache`` with stand-ins for every pinned file; returns the override file."""
    cache.mkdir(parents=True, exist_ok=True)
    lines = []
    for pin in read_pins():
        data = standin_content(pin.name)
        lines.append(f"{pin.name} {hashlib.sha256(data).hexdigest()}")
        if pin.name in skip:
            continue
        write_file(cache / pin.name, data, mode=0o755, sync=False)
    overrides = cache / "standins.sha256"
    write_file(overrides, "\n".join(lines) + "\n", sync=False)
    return overrides
