"""``muranokit upload``: send package zips to a Murano catalog, dependencies first."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import dataclass

from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_OK, InputError

HELP = "upload package zips to a Murano catalog, dependencies first"

#: Results that count as success.
SUCCESS = ("uploaded", "updated", "skipped", "would upload")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="ZIP|DIR", default=["dist"],
                        help="package zips, or folders of zips (default: dist)")
    parser.add_argument("--exists-action", choices=("skip", "update", "abort"), default="skip",
                        help="when the catalog already has the package: keep it (skip, the "
                             "default), replace it (update), or stop (abort)")
    parser.add_argument("--dry-run", action="store_true",
                        help="read the zips and print the upload order; send nothing")
    parser.add_argument("--public", action="store_true",
                        help="make the packages visible to every project")
    parser.add_argument("--category", dest="categories", action="append", default=[],
                        metavar="C", help="put the packages in category C (repeatable; the "
                                          "category must exist in the catalog)")
    parser.add_argument("--retries", type=int, default=4, metavar="N",
                        help="retries after a connection failure or 5xx answer (default 4)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                        help="time limit of each HTTP request as a whole, from connecting to the "
                             "last byte of the answer (default 60)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress, retry notes or summary; failures only")


@dataclass
class Outcome:
    """What happened to one package."""

    fqn: str
    version: str
    result: str = "not tried"
    attempts: int = 0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.result in SUCCESS


def run(args: argparse.Namespace) -> int:
    from muranokit.tools import upload_order
    from muranokit.tools.catalog import RetryPolicy, check_timeout, connect

    if args.retries < 0:
        raise InputError("--retries must be 0 or more")
    check_timeout(args.timeout)
    archives = [upload_order.read_archive(path)
                for path in upload_order.find_archives(args.paths)]
    ordered = upload_order.upload_order(archives)
    external = upload_order.external_requirements(ordered)
    outcomes = [Outcome(a.fqn, a.version) for a in ordered]

    if args.dry_run:
        _check_external(external, None)
        for outcome in outcomes:
            outcome.result = "would upload"
        _print_summary(outcomes, args.quiet)
        return EXIT_OK

    def note(message: str) -> None:
        if not args.quiet:
            print(f"muranokit: {message}", file=sys.stderr)

    catalog = connect(os.environ, policy=RetryPolicy(retries=args.retries),
                      timeout=args.timeout, on_retry=note)
    _check_external(external, catalog)
    uploader = _Uploader(catalog, args.exists_action, args.public, tuple(args.categories))
    show_progress = not args.quiet and sys.stderr.isatty()
    try:
        uploader.upload_all(ordered, outcomes, show_progress)
    finally:
        _print_summary(outcomes, args.quiet)
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS


def _check_external(external: dict[str, list[str]], catalog) -> None:
    """Every requirement outside the given zips must already be in the catalog."""
    missing = {name: users for name, users in external.items()
               if catalog is None or not catalog.find(name)}
    if not missing:
        return
    lines = [f"{name} (required by {', '.join(users)})" for name, users in missing.items()]
    where = ("is not among the given zips (--dry-run does not look in the catalog)"
             if catalog is None else "is neither among the given zips nor in the catalog")
    raise InputError(f"unresolved Require: {'; '.join(lines)} {where}")


class _Uploader:
    """Uploads packages one by one, applying the --exists-action policy."""

    def __init__(self, catalog, exists_action: str, public: bool,
                 categories: tuple[str, ...]) -> None:
        self.catalog = catalog
        self.exists_action = exists_action
        self.public = public
        self.categories = categories

    def upload_all(self, archives, outcomes: list[Outcome], show_progress: bool) -> None:
        from muranokit.tools.catalog import CatalogError, CatalogUnreachable

        failed: set[str] = set()
        unreachable = False
        for index, (archive, outcome) in enumerate(zip(archives, outcomes), start=1):
            blockers = [name for name in archive.requires if name in failed]
            if blockers:
                outcome.result, outcome.detail = "blocked", f"needs {', '.join(blockers)}"
            else:
                try:
                    self.upload_one(archive, outcome)
                except CatalogError as exc:
                    outcome.result, outcome.detail = "failed", exc.message
                    outcome.attempts = outcome.attempts or exc.attempts
                    if exc.exit_code != EXIT_FINDINGS:  # credentials or endpoint: stop here
                        raise
                    unreachable = isinstance(exc, CatalogUnreachable)
            if show_progress:
                print(f"[{index}/{len(archives)}] {outcome.fqn}: {outcome.result}",
                      file=sys.stderr)
            if not outcome.ok:
                failed.add(outcome.fqn)
            if outcome.result == "exists" or unreachable:
                break  # --exists-action abort, or the catalog is down

    def upload_one(self, archive, outcome: Outcome) -> None:
        from muranokit.tools.catalog import PackageExists

        data = _read_bytes(archive.path)
        try:
            done = self.catalog.upload(archive.fqn, data, public=self.public,
                                       categories=self.categories)
        except PackageExists as exc:
            outcome.attempts = exc.attempts
            if self.exists_action == "skip":
                outcome.result, outcome.detail = "skipped", "already in the catalog"
            elif self.exists_action == "abort":
                outcome.result, outcome.detail = "exists", exc.message
            else:
                self.replace(archive, data, outcome)
            return
        outcome.result, outcome.attempts = "uploaded", done.attempts
        outcome.detail = f"id {done.value.get('id', '?')}"

    def replace(self, archive, data: bytes, outcome: Outcome) -> None:
        """--exists-action update: delete our copy and upload the new one.

        Murano refuses a second package of one FullName in one scope, so the old copy must
        go before the new one can come: between the two, the catalog lacks the package. The
        old copy is downloaded first, and put back if the new one does not land for any
        reason, Ctrl-C and SIGTERM included. A first signal in that window stops the upload
        of the new copy; any signal during the putting back is held until it is done.
        """
        from muranokit.tools.catalog import CatalogError
        from muranokit.tools.interrupts import held_signals, say

        previous = self.catalog.find(archive.fqn, owned=True)
        if not previous:
            outcome.result = "failed"
            outcome.detail = ("the catalog has this package from another project; "
                              "only its owner can replace it")
            return
        backups = [(package, self.catalog.download(package["id"])) for package in previous]
        outcome.result, outcome.detail = "failed", "interrupted while replacing it"

        def hold_on(signum: int) -> None:
            say(f"putting the previous {archive.fqn} back into the catalog first "
                "(stopping now would lose it)")

        done = None
        with held_signals(hold_on) as section:
            try:
                with section.cancellable():
                    for package, _ in backups:
                        self.catalog.delete(package["id"])
                    done = self.catalog.upload(archive.fqn, data, public=self.public,
                                               categories=self.categories)
            except BaseException as exc:  # noqa: BLE001 - put the old copy back, then re-raise
                if done is not None:  # the new copy is in: only the goodbye was cut short
                    self._updated(outcome, done, previous)
                    raise
                # a delete cut short may have landed or not: try every backup
                restored = self._restore(archive.fqn, backups)
                if not isinstance(exc, CatalogError):
                    outcome.detail = f"interrupted while replacing it; {restored}"
                    raise
                outcome.attempts += exc.attempts
                exc.message = outcome.detail = f"{exc.message}; {restored}"
                if exc.exit_code != EXIT_FINDINGS:
                    raise
                return
        self._updated(outcome, done, previous)

    @staticmethod
    def _updated(outcome: Outcome, done, previous: list[dict]) -> None:
        outcome.result, outcome.attempts = "updated", outcome.attempts + done.attempts
        outcome.detail = f"id {done.value.get('id', '?')} (was {previous[0]['id']})"

    def _restore(self, fqn: str, backups: list[tuple[dict, bytes]]) -> str:
        """Upload each backup again (a 409: the catalog has the package still); if that
        fails, keep the zip in a local file and say where."""
        from muranokit.tools.catalog import CatalogError, PackageExists

        notes: list[str] = []
        for package, data in backups:
            try:
                self.catalog.upload(fqn, data, public=bool(package.get("is_public")),
                                    categories=tuple(package.get("categories") or ()))
            except PackageExists:
                notes.append("the catalog still has a copy (a delete or upload cut short "
                             "had landed)")
            except CatalogError as exc:
                saved = _keep_backup(fqn, data)
                notes.append(f"the previous version was deleted and could not be restored "
                             f"({exc.message}); its zip is saved as {saved}")
            else:
                notes.append("the previous version was restored")
        return "; ".join(dict.fromkeys(notes))


def _keep_backup(fqn: str, data: bytes) -> str:
    """Save a package zip that could not be put back; the path, or why it could not be."""
    import tempfile

    from muranokit.engine.files import write_file

    try:
        fd, path = tempfile.mkstemp(prefix=f"{fqn}-previous-", suffix=".zip")
        os.close(fd)
    except OSError as exc:
        return f"nowhere ({exc.strerror})"
    try:
        write_file(path, data)  # synced: it may be the only copy left
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        return f"nowhere ({exc.strerror})"
    return path


def _read_bytes(path: str) -> bytes:
    from muranokit.engine.files import SourceError, read_file
    try:
        return read_file(path, what="this zip")[0]
    except SourceError as exc:
        raise InputError.from_source(exc) from None


def _print_summary(outcomes: list[Outcome], quiet: bool) -> None:
    """The table on stdout (failures only, on stderr, with -q)."""
    if quiet:
        for o in outcomes:
            if not o.ok:
                print(f"muranokit: {o.fqn}: {o.result}: {o.detail}", file=sys.stderr)
        return
    header = ("PACKAGE", "VERSION", "RESULT", "TRIES", "DETAIL")
    rows = [(o.fqn, o.version, o.result, str(o.attempts or "-"), o.detail) for o in outcomes]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths))
        print(f"{line}  {row[4]}".rstrip())
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.result] = counts.get(o.result, 0) + 1
    print(", ".join(f"{count} {result}" for result, count in counts.items()))
