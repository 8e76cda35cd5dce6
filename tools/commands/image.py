"""``muranokit image``: build the VM image the Kubernetes packages boot from."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HELP = "build debian8-x64-kubernetes.qcow2 with diskimage-builder (Debian bookworm by default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="debian8-x64-kubernetes.qcow2",
                        help="image file to write (default: %(default)s)")
    parser.add_argument("--cache", metavar="DIR",
                        help="folder with the pinned release files (kubernetes, etcd, calico, "
                             "flannel, confd); also where downloads are kept "
                             "(default: ~/.cache/muranokit/downloads)")
    parser.add_argument("--release", default="bookworm",
                        help="Debian release to build (default: %(default)s)")
    parser.add_argument("--elements-path", metavar="DIR", action="append", default=[],
                        help="extra folder of diskimage-builder elements (repeatable)")


def run(args: argparse.Namespace) -> int:
    from muranokit.tools.image import BuildSettings, run_build
    from muranokit.tools.image_checks import default_cache
    from muranokit.tools.image_elements import find_elements

    elements = find_elements()
    cache = Path(args.cache).resolve() if args.cache else default_cache(os.environ)
    settings = BuildSettings(output=Path(args.output).resolve(), cache=cache,
                             release=args.release,
                             elements_paths=[Path(p).resolve() for p in args.elements_path],
                             elements=elements)
    run_build(settings)
    return 0
