"""Scaffolding of a Docker application package for ``muranokit new-app``.

The command line values are checked and turned into an :class:`AppSpec`; the jinja2
templates under ``tools/templates/new_app/`` render it into the files of a package
(manifest, class, UI form, LICENSE) and :mod:`placeholder_logo` draws its logo. The
package is written into a temporary folder beside the destination and renamed into
place, so a failure never leaves half a package or loses an existing one.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from muranokit.engine.events import is_secret_name
from muranokit.engine.files import Package, SourceError, atomic_folder, find_package_dirs
from muranokit.tools.exceptions import InputError, OperationFailed
from muranokit.tools.masking import current_masker
from muranokit.tools.placeholder_logo import placeholder_logo

TEMPLATES = Path(__file__).resolve().parent / "templates" / "new_app"
DEFAULT_NAMESPACE = "com.example.docker"
INTERFACES = "com.mirantis.docker.Interfaces"

# Docker image references: [domain[:port]/]path[:tag][@digest]
_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_DOMAIN = re.compile(r"^(?:[A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9])"
                     r"(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9]))*(?::[0-9]+)?$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_MAX_NAME = 255

_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_NAMESPACE = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*$")
_ENV_KEY = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_VOLUME = re.compile(r"^/[^\s'\"\\:]*$")
# properties every scaffolded class defines itself (or inherits)
_RESERVED = {"name", "host", "image", "portScope", "applicationEndpoints"}


@dataclass(frozen=True)
class Port:
    """A container port to publish."""

    number: int
    protocol: str  # TCP or UDP


@dataclass(frozen=True)
class EnvVar:
    """An environment variable, the class property that feeds it and its UI field."""

    key: str
    value: str
    prop: str
    secret: bool


@dataclass
class AppSpec:
    """Everything the templates need to render one package."""

    image: str
    name: str
    namespace: str
    ports: list[Port] = field(default_factory=list)
    env: list[EnvVar] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)

    @property
    def class_name(self) -> str:
        return self.name if self.name.startswith("Docker") else f"Docker{self.name}"

    @property
    def fqn(self) -> str:
        return f"{self.namespace}.{self.class_name}"

    @property
    def container_name(self) -> str:
        """Default container name: the class name in lower case words joined by '-'."""
        words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", self.name)
        return "-".join(w.lower() for w in words)[:40].strip("-") or "app"


# --- checks of the command line values ------------------------------------------------
def check_image(reference: str) -> str:
    """The reference itself if it is a valid Docker image reference; else InputError."""
    ref = reference.strip()
    if not ref:
        raise InputError("image reference is empty")
    if ref != reference or any(c.isspace() for c in ref):
        raise InputError(f"image reference {reference!r} contains blanks")
    rest, digest = ref, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.match(digest):
            raise InputError(f"image reference {ref!r}: digest {digest!r} is not "
                             "ALGORITHM:HEX (e.g. sha256:<64 hex digits>)")
    tag = None
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        rest, tag = rest.rsplit(":", 1)
        if not _TAG.match(tag):
            raise InputError(f"image reference {ref!r}: tag {tag!r} is not valid (letters, "
                             "digits, '_', '.', '-'; at most 128; not starting with '.' or '-')")
    parts = rest.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"
                           or parts[0] != parts[0].lower()):
        domain, parts = parts[0], parts[1:]
        if not _DOMAIN.match(domain):
            raise InputError(f"image reference {ref!r}: registry {domain!r} is not a host name "
                             "with an optional :port")
    for part in parts:
        if not _PATH_COMPONENT.match(part):
            raise InputError(
                f"image reference {ref!r}: {part!r} is not a valid repository name component "
                "(lower-case letters and digits, separated by '.', '_', '__' or '-')")
    if len(rest) > _MAX_NAME:
        raise InputError(f"image reference {ref!r}: the name is longer than {_MAX_NAME} "
                         "characters")
    return ref


def check_class_name(name: str) -> str:
    """The name if it can name a MuranoPL class (CamelCase: a capital, letters, digits)."""
    if not _CLASS_NAME.match(name):
        raise InputError(f"--name {name!r} is not a valid class name: start with a capital "
                         "letter, then letters and digits only (e.g. MyShop)")
    return name


def check_namespace(namespace: str) -> str:
    if not _NAMESPACE.match(namespace):
        raise InputError(f"--namespace {namespace!r} is not a dotted lower-case name "
                         "(e.g. com.example.docker)")
    return namespace


def parse_port(text: str) -> Port:
    """``80``, ``8080/tcp`` or ``53/udp``: a port number from 1 to 65535."""
    number, _, protocol = text.strip().partition("/")
    protocol = (protocol or "tcp").upper()
    if protocol not in ("TCP", "UDP"):
        raise InputError(f"--port {text!r}: protocol must be tcp or udp")
    if not number.isdigit():
        raise InputError(f"--port {text!r} is not a port number (PORT or PORT/tcp|udp)")
    value = int(number)
    if not 1 <= value <= 65535:
        raise InputError(f"--port {text!r}: port {value} is outside 1-65535")
    return Port(value, protocol)


def parse_env(text: str) -> tuple[str, str]:
    """``KEY=value`` (the value may be empty or contain '=')."""
    if "=" not in text:
        raise InputError(f"--env {text!r} is not KEY=VALUE")
    key, value = text.split("=", 1)
    if not _ENV_KEY.match(key):
        raise InputError(f"--env {key!r} is not a valid variable name (letters, digits, "
                         "'_', '-', '.'; not starting with a digit)")   # no value shown
    if any(ord(c) < 32 for c in value):
        raise InputError(f"--env {key}: the value contains control characters")
    return key, value


def check_volume(path: str) -> str:
    """An absolute mount path inside the container."""
    if not _VOLUME.match(path) or "/../" in path + "/" or path.endswith("/.."):
        raise InputError(f"--volume {path!r} is not an absolute path inside the container "
                         "(no blanks, quotes, ':' or '..')")
    return path.rstrip("/") or "/"


def default_name(image: str) -> str:
    """A class name from the repository part of an image: 'bitnami/redis:7' -> 'Redis'."""
    repo = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    words = [w for w in re.split(r"[^A-Za-z0-9]+", repo) if w]
    name = "".join(w[0].upper() + w[1:] for w in words)
    if name and name[0].isdigit():
        name = "App" + name
    return name


def property_name(key: str) -> str:
    """lowerCamelCase property name of an environment variable: DB_HOST -> dbHost."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", key) if w]
    if not words:
        return "value"
    first, rest = words[0].lower(), [w[0].upper() + w[1:].lower() for w in words[1:]]
    name = first + "".join(rest)
    return "env" + name[0].upper() + name[1:] if name[0].isdigit() else name


def make_spec(image: str, name: str | None = None, ports: list[str] | None = None,
              env: list[str] | None = None, volumes: list[str] | None = None,
              namespace: str = DEFAULT_NAMESPACE) -> AppSpec:
    """Check every value and build the spec; raises InputError on the first bad one."""
    image = check_image(image)
    if name is None:
        name = default_name(image)
        if not _CLASS_NAME.match(name):
            raise InputError(f"cannot derive a class name from image {image!r}; give --name")
    spec = AppSpec(image=image, name=check_class_name(name),
                   namespace=check_namespace(namespace))
    seen_ports = set()
    for text in ports or []:
        port = parse_port(text)
        if (port.number, port.protocol) in seen_ports:
            raise InputError(f"--port {text!r} is given twice")
        seen_ports.add((port.number, port.protocol))
        spec.ports.append(port)
    used = set(_RESERVED)
    for text in env or []:
        key, value = parse_env(text)
        if any(var.key == key for var in spec.env):
            raise InputError(f"--env {key} is given twice")
        prop = property_name(key)
        while prop in used:
            prop += "Env"
        used.add(prop)
        secret = is_secret_name(key)
        if secret:
            current_masker().learn({key: value})   # no message of the command shows it
        spec.env.append(EnvVar(key, value, prop, secret))
    for path in volumes or []:
        path = check_volume(path)
        if path in spec.volumes:
            raise InputError(f"--volume {path} is given twice")
        spec.volumes.append(path)
    return spec


# --- rendering ------------------------------------------------------------------------
def _quote(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def render(spec: AppSpec) -> dict[str, bytes]:
    """Relative path -> content of every file of the package."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["q"] = _quote
    values = {"spec": spec, "interfaces": INTERFACES}
    files = {
        "manifest.yaml": env.get_template("manifest.yaml.j2").render(values),
        f"Classes/{spec.class_name}.yaml": env.get_template("class.yaml.j2").render(values),
        "UI/ui.yaml": env.get_template("ui.yaml.j2").render(values),
    }
    out = {path: text.encode("utf-8") for path, text in files.items()}
    out["LICENSE"] = (TEMPLATES / "LICENSE").read_bytes()
    out["logo.png"] = placeholder_logo(spec.fqn)
    return out


# --- packages that exist already ---------------------------------------------------------
def package_trees(dest: str | os.PathLike) -> list[Path]:
    """The package trees a new package at ``dest`` joins: ``./packages`` (what ``build``
    builds by default) and the nearest folder named ``packages`` above ``dest``."""
    trees = [Path("packages")]
    for parent in Path(os.path.abspath(dest)).parents:
        if parent.name == "packages":
            trees.append(parent)
            break
    unique: dict[str, Path] = {}
    for tree in trees:
        if tree.is_dir():
            unique.setdefault(os.path.realpath(tree), tree)
    return list(unique.values())


def same_full_name(fqn: str, dest: str | os.PathLike) -> list[str]:
    """Package folders in :func:`package_trees` whose FullName is ``fqn`` (the folder
    ``dest`` itself aside: replacing it is what --force is for)."""
    own = os.path.realpath(dest)
    found: list[str] = []
    for tree in package_trees(dest):
        for folder in find_package_dirs(str(tree)):
            if os.path.realpath(folder) == own or folder in found:
                continue
            try:
                name = Package.open(folder).full_name  # reads the manifest only
            except SourceError:
                continue  # unusable packages are validate's business
            if name == fqn:
                found.append(folder)
    return found


# --- writing --------------------------------------------------------------------------
def write_package(files: dict[str, bytes], dest: str | os.PathLike, force: bool = False) -> Path:
    """Write the files as the folder ``dest``; an existing ``dest`` only with ``force``.

    The folder is written whole (:func:`~muranokit.engine.files.atomic_folder`): an
    existing folder is replaced only once the new one is complete.
    """
    target = Path(dest)
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise InputError("exists and is not a folder; choose another -o", str(target))
        if not force:
            raise InputError("folder already exists; use --force to replace it", str(target))
    try:
        with atomic_folder(target, replace=force, mode=0o755) as staging:
            for rel, data in sorted(files.items()):
                path = staging / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    except OSError as exc:
        if exc.filename == str(target.parent):
            raise OperationFailed(f"cannot create the package folder: {exc.strerror}",
                                  str(target.parent)) from None
        raise OperationFailed(f"cannot write the package: {exc.strerror or exc}",
                              str(target)) from None
    return target
