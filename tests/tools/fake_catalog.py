"""A loopback Murano application catalog for the upload tests.

It speaks the part of the Murano v1 catalog API that python-muranoclient uses (multipart
``POST /v1/catalog/packages`` with a ``__metadata__`` field, searching with ``?fqn=``/``owned``/
paging, ``GET``/``DELETE``/``PATCH`` of one package, ``GET .../download``) and a minimal
Keystone v3 (version document and password tokens with a service catalog) so that keystoneauth
sessions can log in. Packages live in SQLite. Faults can be queued so that the next requests
answer 503 or lose their connection, as a flaky load balancer would, and hostile answers so
that they get something no Murano catalog sends (HTML or a JSON list with 200, a redirect to
themselves, a body dripped one byte at a time) or wait until the test lets them go on.

Status codes and messages follow what the real murano-api answers (see FACTS.md): 200 on
upload, 409 for a full name already registered in the visibility scope, 400 for archives that
cannot be loaded, HTML error bodies unless the client asks for JSON.
"""

from __future__ import annotations

import email.parser
import html
import io
import json
import re
import sqlite3
import threading
import time
import uuid
import zipfile
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import yaml

SIZE_LIMIT_MB = 5
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
PATCH_CONTENT_TYPE = "application/murano-packages-json-patch"
PATCHABLE = {"tags", "categories", "name", "description", "is_public", "enabled"}
SUPPORTED_FORMATS = {"MuranoPL": {"1.0", "1.1", "1.2", "1.3", "1.4"}, "Heat.HOT": {"1.0"}}
METADATA_KEYS = {"tags": list, "categories": list, "description": str, "name": str,
                 "is_public": bool, "enabled": bool}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS packages (
    id TEXT PRIMARY KEY,
    fqn TEXT NOT NULL,
    body TEXT NOT NULL,
    archive BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS categories (name TEXT PRIMARY KEY);
"""


class ApiError(Exception):
    """An error answer: status code and the explanation shown to the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Fault:
    """One queued fault: ``kind`` is a 5xx status code such as "503", "drop" (close the
    connection without answering), "store-then-drop" (handle the request, then close without
    answering), "pass" (no fault: lets one request through before the next faults), "answer"
    (send ``answer``: status, content type, body, headers instead of handling the request),
    "redirect" (a 302 back to the same URL), "drip" (a 200 whose body comes one byte every
    ``interval`` seconds) or "hold" (wait until ``gate`` is set, then handle the request)."""

    kind: str
    method: str | None = None
    answer: tuple[int, str, bytes] | None = None
    interval: float = 0.5
    gate: threading.Event | None = None


@dataclass
class Reply:
    """A successful answer: a dict is sent as JSON, bytes as they are, None as an empty body."""

    status: int
    payload: dict | bytes | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class LoggedRequest:
    method: str
    path: str
    status: int | str
    content_type: str = ""
    fqn: str = ""  # the package a successful upload stored


@dataclass
class Project:
    token: str
    tenant: str
    is_admin: bool = False


@dataclass
class KeystoneUser:
    password: str
    project: Project


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _load_package(content: bytes) -> dict:
    """Read what the catalog stores about a package from its archive, or raise ApiError 400."""
    if not content:
        raise ApiError(400, "Uploading file can't be empty")
    if len(content) > SIZE_LIMIT_MB * 1024 * 1024:
        raise ApiError(400, f"Uploading file is too large. The limit is {SIZE_LIMIT_MB} Mb")

    def refuse(reason: str) -> ApiError:
        return ApiError(400, f"Couldn't load package from file: {reason}")

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise refuse(f"Uploaded file is not a zip archive ({exc})") from None
    if "manifest.yaml" not in archive.namelist():
        raise refuse("Unable to find package manifest")
    try:
        manifest = yaml.safe_load(archive.read("manifest.yaml"))
    except yaml.YAMLError as exc:
        raise refuse(f"Error loading manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise refuse("Manifest is not a mapping")
    fmt = str(manifest.get("Format", "MuranoPL/1.0"))
    kind, _, version = fmt.rpartition("/")
    kind = kind or "MuranoPL"
    if version not in SUPPORTED_FORMATS.get(kind, ()):
        raise refuse(f"Unsupported format {fmt}")
    fqn = manifest.get("FullName")
    if not isinstance(fqn, str) or not fqn:
        raise refuse("FullName is not specified in the manifest")
    classes = manifest.get("Classes") or {}
    if not isinstance(classes, dict):
        raise refuse("Classes is not a mapping")
    tags = manifest.get("Tags") or []
    return {
        "fully_qualified_name": fqn,
        "name": str(manifest.get("Name") or fqn),
        "type": str(manifest.get("Type") or "Application"),
        "class_definitions": sorted(str(name) for name in classes),
        "tags": [str(tag) for tag in tags] if isinstance(tags, list) else [],
        "description": str(manifest.get("Description") or ""),
        "author": str(manifest.get("Author") or ""),
        "supplier": manifest.get("Supplier") or {},
    }


def _split_multipart(content_type: str, body: bytes) -> list[tuple[str, str | None, bytes]]:
    """The parts of a multipart/form-data body as (field name, file name, bytes)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/form-data") or not match:
        raise ApiError(400, "Content-Type must be 'multipart/form-data'")
    delimiter = b"\r\n--" + match.group(1).encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # closing delimiter
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise ApiError(400, "Malformed multipart body")
        headers = email.parser.BytesHeaderParser().parsebytes(head.lstrip(b"\r\n") + b"\r\n\r\n")
        name = headers.get_param("name", header="content-disposition")
        parts.append((str(name or ""), headers.get_filename(), data))
    return parts


class CatalogStore:
    """The packages and categories, in one SQLite database."""

    def __init__(self, db_path: str, categories: list[str]) -> None:
        self._db = sqlite3.connect(db_path, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._db.executemany("INSERT OR IGNORE INTO categories VALUES (?)",
                             [(name,) for name in categories])
        self._db.commit()
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def all(self) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT body FROM packages").fetchall()
        return [json.loads(body) for (body,) in rows]

    def archive(self, package_id: str) -> bytes:
        with self._lock:
            row = self._db.execute("SELECT archive FROM packages WHERE id = ?",
                                   (package_id,)).fetchone()
        if row is None:
            raise ApiError(404, f"Package id '{package_id}' not found")
        return bytes(row[0])

    def get(self, package_id: str) -> dict:
        with self._lock:
            row = self._db.execute("SELECT body FROM packages WHERE id = ?",
                                   (package_id,)).fetchone()
        if row is None:
            raise ApiError(404, f"Package id '{package_id}' not found")
        return json.loads(row[0])

    def check_categories(self, names: list[str]) -> None:
        with self._lock:
            known = {name for (name,) in self._db.execute("SELECT name FROM categories")}
        for name in names:
            if name not in known:
                raise ApiError(400, f"Category '{name}' doesn't exist")

    def insert(self, package: dict, archive: bytes) -> dict:
        with self._lock:
            for (body,) in self._db.execute("SELECT body FROM packages"):
                other = json.loads(body)
                visible = other["owner_id"] == package["owner_id"] or other["is_public"]
                clash = (other["fully_qualified_name"] == package["fully_qualified_name"]
                         or set(other["class_definitions"]) & set(package["class_definitions"]))
                if visible and clash:
                    raise ApiError(409, "Class with the same full name is already "
                                        "registered in the visibility scope")
            self._db.execute("INSERT INTO packages VALUES (?, ?, ?, ?)",
                             (package["id"], package["fully_qualified_name"],
                              json.dumps(package), archive))
            self._db.commit()
        return package

    def save(self, package: dict) -> None:
        with self._lock:
            self._db.execute("UPDATE packages SET body = ? WHERE id = ?",
                             (json.dumps(package), package["id"]))
            self._db.commit()

    def delete(self, package_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM packages WHERE id = ?", (package_id,))
            self._db.commit()


class FakeCatalog:
    """The server: start with ``with FakeCatalog(...) as catalog:``; ``catalog.url`` is the
    Murano endpoint and ``catalog.identity_url`` the Keystone one."""

    def __init__(self, db_path: str = ":memory:", token: str = "secret-token",
                 tenant: str = "demo", categories: list[str] | None = None) -> None:
        self.store = CatalogStore(db_path, categories or ["Web", "Databases", "Kubernetes"])
        self.projects = {token: Project(token, tenant)}
        self.users: dict[str, KeystoneUser] = {}
        self.requests: list[LoggedRequest] = []
        self._faults: deque[Fault] = deque()
        self._arrivals: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.catalog = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    # -- life cycle --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def identity_url(self) -> str:
        return self.url + "/identity/v3"

    def __enter__(self) -> FakeCatalog:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self.store.close()

    # -- test controls -----------------------------------------------------------------------
    def add_project(self, token: str, tenant: str, is_admin: bool = False) -> None:
        self.projects[token] = Project(token, tenant, is_admin)

    def add_user(self, name: str, password: str, token: str) -> None:
        """A Keystone user whose password login returns ``token`` (a known project token)."""
        self.users[name] = KeystoneUser(password, self.projects[token])

    def fail_next(self, count: int, kind: str = "503", method: str | None = "POST",
                  after: int = 0) -> None:
        """Make ``count`` catalog requests (of ``method``, or any) fail with ``kind``, after
        letting ``after`` of them through."""
        if kind not in ("drop", "store-then-drop") and not re.fullmatch(r"5\d\d", kind):
            raise ValueError(kind)
        with self._lock:
            self._faults.extend(Fault("pass", method) for _ in range(after))
            self._faults.extend(Fault(kind, method) for _ in range(count))

    def answer_next(self, count: int, status: int, body: bytes, content_type: str,
                    method: str | None = "GET", after: int = 0) -> None:
        """Make ``count`` catalog requests (of ``method``, after letting ``after`` of them
        through) get this answer instead of being handled."""
        with self._lock:
            self._faults.extend(Fault("pass", method) for _ in range(after))
            self._faults.extend(Fault("answer", method, (status, content_type, body))
                                for _ in range(count))

    def misbehave_next(self, kind: str, count: int = 1, method: str | None = None,
                       interval: float = 0.5) -> None:
        """Queue ``count`` "redirect" or "drip" faults."""
        if kind not in ("redirect", "drip"):
            raise ValueError(kind)
        with self._lock:
            self._faults.extend(Fault(kind, method, interval=interval) for _ in range(count))

    def hold_next(self, method: str = "POST", after: int = 0) -> tuple[threading.Event,
                                                                       threading.Event]:
        """Hold the next request of ``method`` (after letting ``after`` through) until the
        test sets the second event; the first one is set when the request has arrived."""
        arrived, gate = threading.Event(), threading.Event()
        with self._lock:
            self._faults.extend(Fault("pass", method) for _ in range(after))
            self._faults.append(Fault("hold", method, gate=gate, answer=None))
            self._arrivals[id(gate)] = arrived
        return arrived, gate

    def packages(self) -> list[dict]:
        return self.store.all()

    def archive_of(self, fqn: str) -> bytes:
        matches = [p for p in self.store.all() if p["fully_qualified_name"] == fqn]
        assert len(matches) == 1, matches
        return self.store.archive(matches[0]["id"])

    def uploads(self) -> list[str]:
        """FullNames of the packages that uploads stored, in order (dropped answers too)."""
        return [r.fqn for r in self.requests if r.method == "POST" and r.fqn]

    def requests_of(self, method: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.method == method]

    def arrived(self, fault: Fault) -> None:
        """A held request is here: tell the test."""
        with self._lock:
            event = self._arrivals.pop(id(fault.gate), None)
        if event is not None:
            event.set()

    def take_fault(self, method: str, path: str) -> Fault | None:
        if not path.startswith("/v1/"):
            return None
        with self._lock:
            if self._faults and self._faults[0].method in (None, method):
                return self._faults.popleft()
        return None

    def log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeMurano/1.0"

    # BaseHTTPRequestHandler calls do_<METHOD>
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep tests quiet
        pass

    @property
    def catalog(self) -> FakeCatalog:
        return self.server.catalog  # type: ignore[attr-defined]

    # -- plumbing ----------------------------------------------------------------------------
    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        fault = self.catalog.take_fault(method, url.path)
        if fault and fault.kind == "drop":
            self.catalog.log(LoggedRequest(method, url.path, "dropped", content_type))
            self.close_connection = True
            return
        if fault and fault.kind == "hold":
            self.catalog.arrived(fault)
            fault.gate.wait(60)
            self.catalog.log(LoggedRequest(method, url.path, "held", content_type))
        if fault and fault.kind in ("answer", "redirect", "drip"):
            self.catalog.log(LoggedRequest(method, url.path, fault.kind, content_type))
            self._misbehave(fault)
            return
        try:
            reply = self._route(method, url.path, dict(parse_qsl(url.query)), body,
                                content_type, fault)
            data, kind = self._encode(reply.payload)
        except ApiError as exc:
            reply = Reply(exc.status)
            data, kind = self._error_body(exc)
        if fault and fault.kind == "store-then-drop":
            fqn = reply.payload.get("fully_qualified_name", "") if isinstance(
                reply.payload, dict) else ""
            self.catalog.log(LoggedRequest(method, url.path, "dropped", content_type, fqn))
            self.close_connection = True
            return
        fqn = ""
        if method == "POST" and isinstance(reply.payload, dict):
            fqn = reply.payload.get("fully_qualified_name", "")
        self.catalog.log(LoggedRequest(method, url.path, reply.status, content_type, fqn))
        self.send_response(reply.status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _misbehave(self, fault: Fault) -> None:
        """Send an answer no Murano catalog sends."""
        if fault.kind == "redirect":
            self.send_response(302)
            self.send_header("Location", self.catalog.url + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if fault.kind == "answer":
            status, kind, body = fault.answer
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        # drip: a JSON body that would take a minute, one byte at a time
        size = int(60 / fault.interval)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            for _ in range(size):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(fault.interval)
        except OSError:
            pass  # the client gave up
        self.close_connection = True

    @staticmethod
    def _encode(payload: dict | bytes | None) -> tuple[bytes, str]:
        if isinstance(payload, bytes):
            return payload, "application/octet-stream"
        if payload is None:
            return b"", "text/html; charset=UTF-8"
        return json.dumps(payload).encode("utf-8"), "application/json"

    def _error_body(self, exc: ApiError) -> tuple[bytes, str]:
        phrase = HTTPStatus(exc.status).phrase
        if "application/json" in self.headers.get("Accept", ""):
            body = {"message": exc.message, "code": exc.status, "title": phrase}
            return json.dumps(body).encode("utf-8"), "application/json"
        title = f"{exc.status} {phrase}"
        text = (f"<html>\n <head>\n  <title>{title}</title>\n </head>\n <body>\n"
                f"  <h1>{title}</h1>\n  {html.escape(exc.message, quote=False)}<br /><br />\n"
                " </body>\n</html>")
        return text.encode("utf-8"), "text/html; charset=UTF-8"

    def _project(self) -> Project:
        project = self.catalog.projects.get(self.headers.get("X-Auth-Token", ""))
        if project is None:
            raise ApiError(401, "This server could not verify that you are authorized to "
                                "access the document you requested.")
        return project

    # -- routes ------------------------------------------------------------------------------
    def _route(self, method: str, path: str, query: dict, body: bytes, content_type: str,
               fault: Fault | None) -> Reply:
        if path.startswith("/identity"):
            return self._identity(method, path, body)
        if fault and fault.kind.isdigit():
            raise ApiError(int(fault.kind), "The server is currently unavailable. "
                                            "Please try again later.")
        project = self._project()
        parts = [p for p in path.split("/") if p]
        if parts[:3] != ["v1", "catalog", "packages"]:
            raise ApiError(404, "The resource could not be found.")
        rest = parts[3:]
        if not rest and method == "POST":
            return Reply(200, self._upload(project, content_type, body))
        if not rest and method == "GET":
            return Reply(200, self._search(project, query))
        if len(rest) == 1 and method == "GET":
            return Reply(200, self._visible(project, rest[0]))
        if len(rest) == 2 and rest[1] == "download" and method == "GET":
            self._visible(project, rest[0])
            if "application/json" in self.headers.get("Accept", ""):
                raise ApiError(406, "The server could not comply with the request since it is "
                                    "either malformed or otherwise incorrect.")
            return Reply(200, self.catalog.store.archive(rest[0]))
        if len(rest) == 1 and method == "DELETE":
            self._owned(project, rest[0])
            self.catalog.store.delete(rest[0])
            return Reply(200)
        if len(rest) == 1 and method == "PATCH":
            return Reply(200, self._patch(project, rest[0], content_type, body))
        raise ApiError(405, "The method is not allowed for this resource.")

    def _visible(self, project: Project, package_id: str) -> dict:
        package = self.catalog.store.get(package_id)
        if not (project.is_admin or package["owner_id"] == project.tenant
                or package["is_public"]):
            raise ApiError(403, f"Package '{package_id}' is not public and not owned by "
                                f"tenant '{project.tenant}' ")
        return package

    def _owned(self, project: Project, package_id: str) -> dict:
        package = self.catalog.store.get(package_id)
        if not project.is_admin and package["owner_id"] != project.tenant:
            raise ApiError(403, f'Package is not owned by the tenant "{project.tenant}"')
        return package

    def _upload(self, project: Project, content_type: str, body: bytes) -> dict:
        parts = _split_multipart(content_type, body)
        if len(parts) > 2:
            raise ApiError(400, "'multipart/form-data' request body should contain 1 or 2 "
                                f"parts: json string and zip archive. Current body consists "
                                f"of {len(parts)} part(s)")
        meta: dict = {}
        archive = None
        for name, filename, data in parts:
            if name == "__metadata__" and filename is None:
                try:
                    meta = json.loads(data.decode("utf-8"))
                except ValueError as exc:
                    raise ApiError(400, f"Package schema is not valid: {exc}") from None
            else:
                archive = data
        if archive is None:
            raise ApiError(400, "There is no file package with application description")
        if not isinstance(meta, dict):
            raise ApiError(400, "Package schema is not valid: metadata is not an object")
        for key, value in meta.items():
            expected = METADATA_KEYS.get(key)
            if expected is None or not isinstance(value, expected):
                raise ApiError(400, f"Package schema is not valid: {key!r}: {value!r}")
        package = _load_package(archive)
        categories = list(meta.get("categories", []))
        self.catalog.store.check_categories(categories)
        now = _now()
        package.update({
            "id": uuid.uuid4().hex,
            "categories": categories,
            "owner_id": project.tenant,
            "is_public": bool(meta.get("is_public", False)),
            "enabled": bool(meta.get("enabled", True)),
            "created": now,
            "updated": now,
        })
        for key in ("tags", "description", "name"):
            if key in meta:
                package[key] = meta[key]
        return self.catalog.store.insert(package, archive)

    def _search(self, project: Project, query: dict) -> dict:
        try:
            limit = int(query.get("limit", DEFAULT_LIMIT))
        except ValueError:
            raise ApiError(400, "limit param must be an integer") from None
        if limit <= 0:
            raise ApiError(400, "limit param must be positive")
        limit = min(limit, MAX_LIMIT)
        found = [p for p in self.catalog.store.all()
                 if project.is_admin or p["owner_id"] == project.tenant or p["is_public"]]
        if query.get("include_disabled", "").lower() != "true":
            found = [p for p in found if p["enabled"]]
        if query.get("owned", "").lower() == "true":
            found = [p for p in found if p["owner_id"] == project.tenant]
        if "fqn" in query:
            found = [p for p in found if p["fully_qualified_name"] == query["fqn"]]
        if "category" in query:
            found = [p for p in found if query["category"] in p["categories"]]
        found.sort(key=lambda p: (p["name"], p["id"]))
        if "marker" in query:
            ids = [p["id"] for p in found]
            if query["marker"] not in ids:
                raise ApiError(404, f"Package id '{query['marker']}' not found")
            found = found[ids.index(query["marker"]) + 1:]
        page = found[:limit]
        result: dict = {"packages": page}
        if len(page) == limit:
            result["next_marker"] = page[-1]["id"]
        return result

    def _patch(self, project: Project, package_id: str, content_type: str, body: bytes) -> dict:
        package = self._owned(project, package_id)
        if not content_type.startswith(PATCH_CONTENT_TYPE):
            raise ApiError(400, f"Content-Type must be '{PATCH_CONTENT_TYPE}'")
        try:
            changes = json.loads(body.decode("utf-8"))
        except ValueError:
            changes = None
        if not isinstance(changes, list):
            raise ApiError(400, "Request body must be a JSON array of operation objects.")
        for change in changes:
            key = str(change.get("path", "")).lstrip("/")
            op = change.get("op")
            if key not in PATCHABLE or op not in ("add", "replace", "remove"):
                raise ApiError(403, f"Method '{op}' is not allowed for a path '/{key}'")
            value = change.get("value")
            if key == "categories" and op != "remove":
                self.catalog.store.check_categories(list(value))
            if op == "replace":
                package[key] = value
            elif op == "add":
                package[key] = package[key] + [v for v in value if v not in package[key]]
            else:
                for item in value:
                    if item not in package[key]:
                        raise ApiError(404, f"Value '{item}' of property '{key}' "
                                            "does not exist.")
                package[key] = [v for v in package[key] if v not in value]
        package["updated"] = _now()
        self.catalog.store.save(package)
        return package

    # -- a minimal Keystone v3 -----------------------------------------------------------------
    def _identity(self, method: str, path: str, body: bytes) -> Reply:
        if method == "GET" and path.rstrip("/") == "/identity/v3":
            return Reply(200, {"version": {
                "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                "links": [{"rel": "self", "href": self.catalog.identity_url + "/"}],
                "media-types": [{"base": "application/json",
                                 "type": "application/vnd.openstack.identity-v3+json"}],
            }})
        if method == "POST" and path.rstrip("/") == "/identity/v3/auth/tokens":
            try:
                identity = json.loads(body)["auth"]["identity"]
                if "token" in identity.get("methods", []):  # re-scoping a token
                    project = self.catalog.projects.get(identity["token"]["id"])
                    name, password = "token-user", None
                else:
                    user = identity["password"]["user"]
                    name, password = user["name"], user["password"]
                    account = self.catalog.users.get(name)
                    ok = account is not None and account.password == password
                    project = account.project if ok else None
            except (ValueError, KeyError, TypeError, AttributeError):
                raise ApiError(400, "Expecting to find identity in auth.") from None
            if project is None:
                raise ApiError(401, "The request you have made requires authentication.")
            return self._token_response(name, project)
        raise ApiError(404, "The resource could not be found.")

    def _token_response(self, user: str, project: Project) -> Reply:
        endpoint = {"id": "e1", "interface": "public", "region": "RegionOne",
                    "region_id": "RegionOne", "url": self.catalog.url}
        token = {
            "methods": ["password"],
            "user": {"id": user, "name": user, "domain": {"id": "default", "name": "Default"}},
            "project": {"id": project.tenant, "name": project.tenant,
                        "domain": {"id": "default", "name": "Default"}},
            "roles": [{"id": "member", "name": "member"}],
            "issued_at": "2026-01-01T00:00:00.000000Z",
            "expires_at": "2099-01-01T00:00:00.000000Z",
            "catalog": [{"id": "s1", "type": "application-catalog", "name": "murano",
                         "endpoints": [endpoint]}],
        }
        return Reply(201, {"token": token}, {"X-Subject-Token": project.token})
