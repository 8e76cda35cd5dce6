"""``muranokit new-app``: scaffold a Docker application package for an image."""

from __future__ import annotations

import argparse

HELP = "scaffold a Docker application package (manifest, class, UI form, logo) for an image"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", metavar="IMAGE",
                        help="Docker image reference, e.g. nginx:1.27 or "
                             "registry.example.org:5000/team/app:2.1")
    parser.add_argument("--name", metavar="NAME",
                        help="class name (CamelCase; default: from the image, e.g. Nginx); "
                             "the class is Docker<NAME>")
    parser.add_argument("--namespace", default="com.example.docker", metavar="NS",
                        help="namespace of the class (default: com.example.docker)")
    parser.add_argument("--port", action="append", default=[], metavar="P[/tcp|udp]",
                        help="container port to publish (repeatable)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="environment variable (repeatable); names with PASSWORD, SECRET, "
                             "TOKEN or KEY (but not switches such as ALLOW_EMPTY_PASSWORD) "
                             "become password fields and their value is not stored")
    parser.add_argument("--volume", action="append", default=[], metavar="PATH",
                        help="scratch volume mounted at PATH in the container (repeatable)")
    parser.add_argument("-o", "--output", metavar="DIR",
                        help="package folder to create (default: ./NAME)")
    parser.add_argument("--force", action="store_true",
                        help="replace the folder if it exists, and write the package even "
                             "if its FullName is taken under packages/")


def run(args: argparse.Namespace) -> int:
    import sys

    from muranokit.tools.exceptions import InputError
    from muranokit.tools.scaffold import make_spec, render, same_full_name, write_package

    spec = make_spec(args.image, name=args.name, ports=args.port, env=args.env,
                     volumes=args.volume, namespace=args.namespace)
    dest = args.output or spec.name
    taken = same_full_name(spec.fqn, dest)
    if taken:
        problem = f"{spec.fqn} is already the FullName of {', '.join(taken)}"
        if not args.force:
            raise InputError(f"{problem}: two packages with one FullName cannot be built or "
                             "uploaded together; choose another --name or --namespace (or "
                             "--force)")
        print(f"muranokit: warning: {problem}; build and validate will refuse both until "
              "one is renamed", file=sys.stderr)
    files = render(spec)
    target = write_package(files, dest, force=args.force)
    print(f"created {target}/ ({spec.fqn}, image {spec.image})")
    for rel in sorted(files):
        print(f"  {rel}")
    secrets = [var.key for var in spec.env if var.secret]
    if secrets:
        print(f"  (values of {', '.join(secrets)} were not stored: password fields ask for them)")
    print(f"check it with: muranokit validate {target} packages/DockerInterfacesLibrary")
    return 0
