"""``muranokit build``: zips, bundle, --check, refusal on errors (tools/builder.py)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile

from packaging_helpers import FIXTURE_NAMES, copy_fixtures, edit, run_cli, tree_snapshot

from muranokit.tools.progress import Progress


def test_build_writes_zips_and_bundle(tmp_path, capsys):
    copies = copy_fixtures(tmp_path / "src")
    out = tmp_path / "dist"
    result = run_cli(capsys, "build", *map(str, copies.values()), "-o", str(out))
    assert result.code == 0, result.err
    names = sorted(os.listdir(out))
    assert names == sorted([f"{fqn}.zip" for fqn in FIXTURE_NAMES.values()] + ["bundle.json"])
    for fqn in FIXTURE_NAMES.values():
        data = (out / f"{fqn}.zip").read_bytes()
        assert f"{out / fqn}.zip  sha256:{hashlib.sha256(data).hexdigest()}" in result.out
        with zipfile.ZipFile(out / f"{fqn}.zip") as archive:
            assert "manifest.yaml" in archive.namelist()
    bundle = json.loads((out / "bundle.json").read_text())
    order = [entry["Name"] for entry in bundle["Packages"]]
    assert sorted(order) == sorted(FIXTURE_NAMES.values())
    assert order.index("com.example.fixture.Library") < order.index("com.example.fixture.App")
    assert {"Name": "com.example.fixture.App", "Version": "2.0.1"} in bundle["Packages"]


def test_default_builds_every_package_under_packages(tmp_path, capsys, monkeypatch):
    copy_fixtures(tmp_path / "packages", ["FixtureLibrary"])
    copy_fixtures(tmp_path / "packages" / "apps", ["FixtureApp"])
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "build", "-q")
    assert result.code == 0, result.err
    assert result.out == ""
    assert sorted(os.listdir("dist")) == ["bundle.json", "com.example.fixture.App.zip",
                                          "com.example.fixture.Library.zip"]


def test_same_sha_from_a_copy(tmp_path, capsys):
    first = copy_fixtures(tmp_path / "a")
    second = copy_fixtures(tmp_path / "b")
    for path in (tmp_path / "b").rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000), follow_symlinks=False)
    assert run_cli(capsys, "build", "-q", *map(str, first.values()), "-o",
                   str(tmp_path / "out1")).code == 0
    assert run_cli(capsys, "build", "-q", *map(str, second.values()), "-o",
                   str(tmp_path / "out2")).code == 0
    assert tree_snapshot(tmp_path / "out1") == tree_snapshot(tmp_path / "out2")


def test_check_reports_drift(tmp_path, capsys):
    copies = copy_fixtures(tmp_path / "src")
    out = tmp_path / "dist"
    args = [*map(str, copies.values()), "-o", str(out)]
    assert run_cli(capsys, "build", "-q", *args).code == 0
    snapshot = tree_snapshot(out)
    clean = run_cli(capsys, "build", "--check", *args)
    assert clean.code == 0 and clean.out.count("up to date") == 4
    edit(copies["FixtureApp"] / "Classes/App.yaml", "Default: 8080", "Default: 8081")
    (out / "com.example.fixture.Legacy.zip").unlink()
    drift = run_cli(capsys, "build", "--check", "-q", *args)
    assert drift.code == 1
    assert f"{out}/com.example.fixture.App.zip: differs" in drift.out
    assert f"{out}/com.example.fixture.Legacy.zip: missing" in drift.out
    assert "Library.zip" not in drift.out  # -q: only the differences
    del snapshot["com.example.fixture.Legacy.zip"]
    assert tree_snapshot(out) == snapshot  # --check writes nothing


def test_validation_errors_stop_the_build_and_keep_old_zips(tmp_path, capsys):
    copies = copy_fixtures(tmp_path / "src")
    out = tmp_path / "dist"
    args = [*map(str, copies.values()), "-o", str(out)]
    assert run_cli(capsys, "build", "-q", *args).code == 0
    before = tree_snapshot(out)
    edit(copies["FixtureApp"] / "Classes/App.yaml", "- $.instance.deploy()",
         "- $.instance.deploy(")
    result = run_cli(capsys, "build", *args)
    assert result.code == 1
    assert "Classes/App.yaml:32: Y001 statement '$.instance.deploy(' does not compile" \
        in result.err
    assert "nothing was built" in result.err
    assert tree_snapshot(out) == before


def test_build_refuses_a_zip_argument(tmp_path, capsys):
    (tmp_path / "x.zip").write_bytes(b"PK")
    result = run_cli(capsys, "build", str(tmp_path / "x.zip"), "-o", str(tmp_path / "d"))
    assert result.code == 2 and "takes package folders" in result.err
    assert not (tmp_path / "d").exists()


def test_warnings_are_shown_but_do_not_stop_the_build(tmp_path, capsys):
    copies = copy_fixtures(tmp_path / "src", ["FixtureLegacy"])
    (copies["FixtureLegacy"] / "LICENSE").unlink()
    result = run_cli(capsys, "build", str(copies["FixtureLegacy"]), "-o", str(tmp_path / "d"))
    assert result.code == 0
    assert "A003 no LICENSE file" in result.err
    assert (tmp_path / "d/com.example.fixture.Legacy.zip").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal():
    tty = _Terminal()
    progress = Progress(3, stream=tty)
    progress.step(0, "com.example.A")
    progress.step(1, "com.example.B")
    progress.done()
    assert "\r[1/3] com.example.A" in tty.getvalue()
    assert "[2/3] com.example.B" in tty.getvalue()
    assert tty.getvalue().endswith("\r")
    quiet, pipe = _Terminal(), io.StringIO()
    for stream, kwargs in ((quiet, {"quiet": True}), (pipe, {})):
        progress = Progress(3, stream=stream, **kwargs)
        progress.step(0, "x")
        progress.done()
    assert quiet.getvalue() == "" and pipe.getvalue() == ""


def test_bundle_order_dependencies_first_and_cycles(tmp_path):
    from muranokit.engine.files import Package
    from muranokit.tools.bundle import bundle_text, dependency_order

    def package(name, *requires):
        manifest = {"FullName": name, "Version": "1.0", "Require": dict.fromkeys(requires)}
        return Package(location=name, is_zip=False, manifest=manifest, files={})

    packages = [package("z.App", "a.Lib", "m.Mid"), package("m.Mid", "a.Lib", "x.Outside"),
                package("a.Lib"), package("c.One", "c.Two"), package("c.Two", "c.One")]
    order = [p.full_name for p in dependency_order(packages)]
    assert order == ["a.Lib", "c.Two", "c.One", "m.Mid", "z.App"]
    assert json.loads(bundle_text(packages))["Packages"][0] == {"Name": "a.Lib",
                                                               "Version": "1.0"}


def test_bundle_name_or_none(tmp_path, capsys):
    copies = copy_fixtures(tmp_path / "src", ["FixtureLibrary"])
    assert run_cli(capsys, "build", "-q", str(copies["FixtureLibrary"]), "-o",
                   str(tmp_path / "a"), "--bundle", "").code == 0
    assert os.listdir(tmp_path / "a") == ["com.example.fixture.Library.zip"]
    assert run_cli(capsys, "build", "-q", str(copies["FixtureLibrary"]), "-o",
                   str(tmp_path / "b"), "--bundle", "suite.bundle").code == 0
    assert sorted(os.listdir(tmp_path / "b")) == ["com.example.fixture.Library.zip",
                                                  "suite.bundle"]


def test_progress_line_through_a_real_terminal(tmp_path):
    import pty
    import subprocess
    import sys

    copies = copy_fixtures(tmp_path / "src")
    argv = [sys.executable, "-m", "muranokit", "build", *map(str, copies.values()),
            "-o", str(tmp_path / "out")]
    controller, terminal = pty.openpty()
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=terminal, timeout=120)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert proc.returncode == 0
    assert b"[1/3] validate com.example.fixture.App" in seen
    assert b"[3/3] zip com.example.fixture.Library" in seen
    piped = subprocess.run([*argv[:-1], str(tmp_path / "out2"), "-q"], capture_output=True,
                           timeout=120)
    assert piped.returncode == 0 and piped.stderr == b"" and piped.stdout == b""
