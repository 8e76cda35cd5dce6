"""Every bench under bench/ checks what it times: a wrong result stops it (exit status 1)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from benchcheck import BenchFailure  # noqa: E402


def load(name: str):
    """Import bench/<name>.py under a name of its own (``kubernetes`` is taken on PyPI)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module      # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_bench_failure_exits_1_with_a_clear_line() -> None:
    failure = BenchFailure("Bench.whileLoop(50 operations): got 0, expected 1275")
    assert isinstance(failure, SystemExit)
    assert str(failure.code).startswith("bench failed: Bench.whileLoop")  # status 1, on stderr


def test_engine_bench_stops_on_a_wrong_loop_result(tmp_path: Path) -> None:
    engine = load("engine")
    rt, obj = engine.bench_object(str(tmp_path))
    figures = engine.engine_figures(rt, obj, scale=100)
    assert set(figures) == {"while", "call", "new", "expr", "xcall", "xprop", "xnew"}
    assert min(figures.values()) >= 0 and figures["expr"] > 0

    real_call = rt.call

    def broken_while(target, method, *args):  # a While that stops at once
        return 0 if method == "whileLoop" else real_call(target, method, *args)

    rt.call = broken_while
    with pytest.raises(BenchFailure, match=r"Bench.whileLoop\(50 operations\): got 0, "
                                           r"expected 1275"):
        engine.engine_figures(rt, obj, scale=100)

    def broken_expression(target, method, *args):  # calls inside yaql skipped
        return 0 if method == "exprLoop" else real_call(target, method, *args)

    rt.call = broken_expression
    with pytest.raises(BenchFailure, match=r"Bench.exprLoop\(10 operations\): got 0, "
                                           r"expected 45"):
        engine.engine_figures(rt, obj, scale=100)


def test_engine_bench_checks_the_core_library_run_and_labels_upstream(monkeypatch,
                                                                      capsys) -> None:
    engine = load("engine")
    assert engine.check_corelib_run("0.30 0.06 26 26 140") == (0.30, 0.06)
    with pytest.raises(BenchFailure, match="loaded"):
        engine.check_corelib_run("0.30 0.06 26 25 140")
    with pytest.raises(BenchFailure, match="only 0 class documents"):
        engine.check_corelib_run("0.01 0.00 0 0 0")
    monkeypatch.setattr(engine, "engine_figures",
                        lambda rt, obj: {"while": 5e-6, "call": 2e-5, "new": 2e-5})
    monkeypatch.setattr(engine, "bench_object", lambda tmp: (None, None))
    monkeypatch.setattr(engine, "corelib_load_seconds", lambda: (0.3, 0.06))
    assert engine.main() == 0
    out = capsys.readouterr().out
    assert "upstream, recorded 2026-11-26, not measured here" in out


def test_kubernetes_bench_stops_on_a_failed_or_wrong_deploy(tmp_path: Path) -> None:
    kubernetes = load("kubernetes")
    out = kubernetes.Deployment(kubernetes.sized_cluster(1, 1), workdir=tmp_path).deploy()
    kubernetes.check_deploy("1-node cluster", out, 1)
    with pytest.raises(BenchFailure, match="nodeCount: got 1, expected 2"):
        kubernetes.check_deploy("2-node cluster", out, 2)
    with pytest.raises(BenchFailure, match="pods"):
        kubernetes.check_deploy("cluster + pod", out, 1, pods=("web",))
    out.exit_code = 1
    with pytest.raises(BenchFailure, match="failed \\(exit 1\\)"):
        kubernetes.check_deploy("1-node cluster", out, 1)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(BenchFailure, match="exited 2"):  # no more "n/a"
        kubernetes.whole_command(str(broken))


def test_dryrun_bench_stops_when_plans_are_missing(tmp_path: Path, monkeypatch) -> None:
    dryrun = load("dryrun")
    seconds, plans = dryrun.time_deploy(2, str(tmp_path))
    assert plans == 2 and seconds > 0
    real_model = dryrun.fleet_model
    monkeypatch.setattr(dryrun, "fleet_model", lambda count: real_model(count - 1))
    with pytest.raises(BenchFailure, match="agent plans for 3 instances: got 2, expected 3"):
        dryrun.time_deploy(3, str(tmp_path))
    with pytest.raises(BenchFailure, match="not JSON lines"):
        dryrun.check_report("garbage\n", 1)


def test_build_bench_stops_on_missing_or_broken_zips(tmp_path: Path) -> None:
    build = load("build")
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in ("a", "b"):
        with zipfile.ZipFile(dist / f"{name}.zip", "w") as archive:
            archive.writestr("manifest.yaml", "FullName: x\n")
    (dist / "bundle.json").write_text(json.dumps({"Packages": [{"Name": "a"}, {"Name": "b"}]}))
    build.check_build_output(dist, 2)
    with pytest.raises(BenchFailure, match="zips in .*: got 2, expected 3"):
        build.check_build_output(dist, 3)
    (dist / "b.zip").write_bytes(b"not a zip")
    with pytest.raises(BenchFailure, match="b.zip is not a zip"):
        build.check_build_output(dist, 2)


def test_image_bench_judges_size_only_on_real_files_and_checks_the_image(tmp_path: Path
                                                                          ) -> None:
    image = load("image")
    assert "not measured" in image.size_verdict(120.0, real_release_files=False)
    assert image.size_verdict(120.0, real_release_files=True).endswith(": met")
    assert image.size_verdict(600.0, real_release_files=True).endswith("NOT met")
    with pytest.raises(BenchFailure, match="wrote no"):
        image.check_image(tmp_path / "absent.qcow2")
    raw = tmp_path / "fake.qcow2"
    raw.write_bytes(b"\0" * 4096)
    with pytest.raises(BenchFailure, match="not a qcow2|qemu-img"):
        image.check_image(raw)


def test_realworld_speed_bench_stops_on_a_wrong_result(monkeypatch) -> None:
    speed = load("realworld_speed")
    from muranokit.engine import Runtime
    real_call = Runtime.call

    def broken(self, target, method, *args):  # calls inside expressions lose an item
        result = real_call(self, target, method, *args)
        return result - 1 if method == "expressionForm" else result

    monkeypatch.setattr(Runtime, "call", broken)
    folder = speed.class_folder()
    try:
        with pytest.raises(BenchFailure, match=r"Driver.expressionForm\(100\): got 4949, "
                                               r"expected 4950"):
            speed.expression_figures(folder, 1, profile=False)
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("field, expected", [
    ({"name": "name", "type": "string",   # a domain: the rules sit in validators[].expr
      "validators": [{"expr": {"regexpValidator": r"^[a-z]+\.[a-z]+$"}, "message": "x"}]},
     "dryrun.local"),
    ({"name": "title", "type": "string", "regexpValidator": "^[0-9]+$"}, "1"),
    ({"name": "title", "type": "string"}, "dryrun"),
])
def test_compat_fills_a_plain_field_with_a_value_its_regexps_accept(field, expected) -> None:
    assert load("compat").plain_value(field, "Directory") == expected
