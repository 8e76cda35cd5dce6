#!/usr/bin/env python3
"""Benchmark: ``muranokit build`` (validation + reproducible zips) against a ``zip -r`` loop.

Uses every package under ./packages/ when there are at least 25 of them and they
validate without errors (else build would refuse them); otherwise generates a realistic
25-package suite (from the test fixtures: several classes, execution plans, scripts, a UI
form, logo and LICENSE each, ~800 KiB in all) in a temporary folder.
Prints the whole-command times (interpreter start-up included; best and median of N
runs, interleaved with a ``zip -r`` loop over the same folders so both see the same
machine load), the ratio, the floor set by Python and the libraries the job needs, and
an in-process breakdown. Every run is checked: each command must exit 0, and each build (and
``zip -r`` loop) must leave one readable zip per package (and a bundle naming them all);
otherwise the bench stops with exit status 1.

    python bench/build.py [--runs N] [--packages DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchcheck import BenchFailure, expect, run_checked

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "packages"
SUITE_SIZE = 25
GOAL_SECONDS = 1.0
GOAL_RATIO = 2.0


def generate_suite(dest: Path, count: int = SUITE_SIZE) -> list[Path]:
    """Write ``count`` packages (one library, the rest applications needing it)."""
    library = dest / "Library"
    shutil.copytree(FIXTURES / "FixtureLibrary", library)
    folders = [library]
    app_class = (FIXTURES / "FixtureApp/Classes/App.yaml").read_text()
    port_class = (FIXTURES / "FixtureApp/Classes/AppPort.yaml").read_text()
    script = (FIXTURES / "FixtureApp/Resources/scripts/deploy.sh").read_text()
    plan = (FIXTURES / "FixtureApp/Resources/Deploy.template").read_text()
    for index in range(1, count):
        name = f"App{index:02d}"
        folder = dest / "apps" / name
        shutil.copytree(FIXTURES / "FixtureApp", folder)
        fqn = f"com.example.bench.{name}"
        manifest = (folder / "manifest.yaml").read_text()
        manifest = manifest.replace("com.example.fixture.App:", f"{fqn}:")
        manifest = manifest.replace("FullName: com.example.fixture.App",
                                    f"FullName: {fqn}")
        manifest = manifest.replace("com.example.fixture.AppPort:", f"{fqn}Port:")
        extra_classes = []
        for extra in range(4):
            cls = f"{name}Part{extra}"
            text = app_class.replace("Name: App", f"Name: {cls}").replace(
                "=: com.example.fixture", "=: com.example.bench\n  fx: com.example.fixture")
            text = text.replace("Extends: Service", "Extends: fx:Service").replace(
                "$.class(AppPort)", "$.class(fx:AppPort)")
            (folder / f"Classes/{cls}.yaml").write_text(text)
            extra_classes.append(f"  com.example.bench.{cls}: {cls}.yaml\n")
        manifest = manifest.replace("Require:", "".join(extra_classes) + "Require:")
        (folder / "manifest.yaml").write_text(manifest)
        app = app_class.replace("Name: App", f"Name: {name}").replace(
            "=: com.example.fixture", "=: com.example.bench\n  fx: com.example.fixture")
        app = app.replace("Extends: Service", "Extends: fx:Service").replace(
            "$.class(AppPort)", f"$.class({name}Port)")
        (folder / "Classes/App.yaml").write_text(app)
        (folder / "Classes/AppPort.yaml").write_text(
            port_class.replace("Name: AppPort", f"Name: {name}Port").replace(
                "=: com.example.fixture", "=: com.example.bench"))
        ui = (folder / "UI/ui.yaml").read_text().replace("com.example.fixture.App", fqn)
        (folder / "UI/ui.yaml").write_text(ui)
        for step in range(6):
            (folder / f"Resources/Step{step}.template").write_text(
                plan.replace("deploy.sh", f"step{step}.sh"))
            body = script + "".join(f"# step {step} line {n}: configure part {n} of the "
                                    f"service and check the result\n" for n in range(40))
            path = folder / f"Resources/scripts/step{step}.sh"
            path.write_text(body)
            path.chmod(0o755)
        folders.append(folder)
    return folders


class Timing:
    """Wall and CPU seconds of the runs of one command."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @property
    def best(self) -> float:
        return min(self.wall)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def row(self, label: str) -> str:
        return (f"  {label:<46} best {self.best:6.3f} s   median {self.median:6.3f} s   "
                f"cpu best {min(self.cpu):6.3f} s")


Check = Callable[[], None]
Command = tuple[list[str], dict[str, str], Check | None]


def check_zips(folder: Path, count: int, what: str) -> None:
    """Stop the bench unless ``folder`` holds ``count`` zips that each open and test clean."""
    zips = sorted(folder.glob("*.zip"))
    expect(f"{what}: zips in {folder}", len(zips), count)
    for path in zips:
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
        except zipfile.BadZipFile as exc:
            raise BenchFailure(f"{what}: {path} is not a zip: {exc}") from None
        if bad is not None:
            raise BenchFailure(f"{what}: {path}: member {bad} is corrupt")


def check_build_output(dist: Path, count: int) -> None:
    """A build's output: ``count`` zips and a bundle naming ``count`` packages."""
    check_zips(dist, count, "muranokit build")
    try:
        bundle = json.loads((dist / "bundle.json").read_text())
    except (OSError, ValueError) as exc:
        raise BenchFailure(f"muranokit build: no readable bundle.json: {exc}") from None
    expect("muranokit build: packages in bundle.json", len(bundle.get("Packages", [])), count)


def run_once(argv: list[str], env: dict[str, str], timing: Timing, label: str,
             check: Check | None) -> None:
    """Run ``argv`` (it must succeed), add its wall and CPU time to ``timing``, check it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run_checked(argv, label, env=env)
    timing.wall.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timing.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if check is not None:
        check()


def time_commands(commands: dict[str, Command], runs: int) -> dict[str, Timing]:
    """Run every command ``runs`` times, interleaved so that all see the same load."""
    timings = {label: Timing() for label in commands}
    for label, (argv, env, _check) in commands.items():  # warm the page and bytecode caches
        run_checked(argv, label, env=env)
    for _ in range(runs):
        for label, (argv, env, check) in commands.items():
            run_once(argv, env, timings[label], label, check)
    return timings


def zip_loop_script(folders: list[Path], out: Path) -> str:
    lines = ["set -e"]
    for index, folder in enumerate(folders):
        lines.append(f"(cd '{folder}' && zip -qr '{out}/{index}.zip' .)")
    return "\n".join(lines)


def best_of(runs: int, step) -> float:
    """Best time of ``runs`` calls of ``step()``."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def breakdown(folders: list[Path], out: Path, runs: int) -> dict[str, float]:
    """In-process time of each step; repeated steps give their best of ``runs``."""
    start = time.perf_counter()
    from muranokit.tools.builder import build
    from muranokit.tools.package import load_package
    from muranokit.tools.validate import validate_packages
    from muranokit.tools.zipper import zip_bytes
    steps = {"import build modules (no yaql yet)": time.perf_counter() - start}
    from muranokit.tools.validate.yaqlcheck import compile_expression, engine
    start = time.perf_counter()
    engine()
    steps["import yaql + parser from cached tables"] = time.perf_counter() - start
    packages = [load_package(str(f)) for f in folders]
    steps["load (read files, parse manifests)"] = best_of(
        runs, lambda: [load_package(str(f)) for f in folders])
    validate_packages(packages)
    steps["  distinct expressions compiled"] = compile_expression.cache_info().currsize
    compile_expression.cache_clear()
    steps["validate (YAML, checks, yaql compiles)"] = best_of(
        runs, lambda: (compile_expression.cache_clear(), validate_packages(packages)))
    steps["zip in memory (deflate)"] = best_of(
        runs, lambda: [zip_bytes(p) for p in packages])
    steps["whole build() in process, warm"] = best_of(
        runs, lambda: expect("build() in process: exit code",
                             build([str(f) for f in folders], str(out), quiet=True), 0))
    check_build_output(out, len(folders))
    return steps


def choose_suite(packages: str, tmp_path: Path, env: dict[str, str]) -> tuple[list[Path], str]:
    """The package folders to use and a line saying which they are."""
    from muranokit.engine.files import find_package_dirs

    folders = [Path(p) for p in find_package_dirs(packages)] if os.path.isdir(packages) else []
    if len(folders) >= SUITE_SIZE:
        check = subprocess.run(
            [sys.executable, "-m", "muranokit", "validate", "-q", *map(str, folders)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if check.returncode == 0:
            return folders, f"{packages} ({len(folders)} packages)"
        reason = f"{packages} does not validate cleanly, so build refuses it"
    else:
        reason = f"{packages} has fewer than {SUITE_SIZE} packages"
    folders = generate_suite(tmp_path / "suite")
    return folders, f"generated suite of {len(folders)} packages ({reason})"


def command_env(tmp_path: Path) -> dict[str, str]:
    """The environment of an installed muranokit: bytecode cached (here in a temp folder).

    pip compiles an installed package's modules; an editable checkout under
    PYTHONDONTWRITEBYTECODE would compile them again on every run instead.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10,
                        help="runs per timing, interleaved (best and median are shown)")
    parser.add_argument("--packages", default=str(ROOT / "packages"),
                        help="folder of package sources (default: ./packages)")
    args = parser.parse_args()
    if not shutil.which("zip"):
        print("bench/build.py: the 'zip' program is needed for the comparison", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="muranokit-bench-") as tmp:
        tmp_path = Path(tmp)
        env = command_env(tmp_path)
        folders, source = choose_suite(args.packages, tmp_path, env)
        size = sum(f.stat().st_size for d in folders for f in d.rglob("*") if f.is_file())
        files = sum(1 for d in folders for f in d.rglob("*") if f.is_file())
        out_zip = tmp_path / "zip"
        out_zip.mkdir()
        python = sys.executable
        paths = [str(f) for f in folders]
        dist = tmp_path / "dist"
        built = lambda: check_build_output(dist, len(folders))  # noqa: E731
        commands: dict[str, Command] = {
            "muranokit build (validate + zip + bundle)":
                ([python, "-m", "muranokit", "build", "-q", "-o", str(dist), *paths], env,
                 built),
            "muranokit validate":
                ([python, "-m", "muranokit", "validate", "-q", *paths], env, None),
            "zip -r loop over the same folders":
                (["bash", "-c", zip_loop_script(folders, out_zip)], env,
                 lambda: check_zips(out_zip, len(folders), "zip -r loop")),
            "python start-up alone":
                ([python, "-c", "pass"], env, None),
            "python + import yaml, yaql, zipstream":
                ([python, "-c", "import collections.abc, yaml, yaql, zipstream"], env, None),
        }
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            commands["muranokit build, no bytecode cache (this env)"] = (
                commands["muranokit build (validate + zip + bundle)"][0], dict(os.environ),
                built)
        timings = time_commands(commands, args.runs)
        steps = breakdown(folders, tmp_path / "dist2", args.runs)

    build_t = timings["muranokit build (validate + zip + bundle)"]
    zip_t = timings["zip -r loop over the same folders"]
    print(f"packages: {source}")
    print(f"sources: {len(folders)} packages, {files} files, {size / 1024:.0f} KiB")
    print(f"whole commands, {args.runs} interleaved runs each (bytecode cached, as installed):")
    for label, timing in timings.items():
        print(timing.row(label))
    ratio, ratio_median = build_t.best / zip_t.best, build_t.median / zip_t.median
    print(f"ratio build / zip -r: {ratio:.2f}x best-to-best, {ratio_median:.2f}x "
          f"median-to-median (goal <= {GOAL_RATIO:.0f}x: "
          f"{'met' if ratio <= GOAL_RATIO else 'NOT met'})")
    floor = timings["python + import yaml, yaql, zipstream"].best
    print(f"floor: starting Python and importing the libraries the job needs already takes "
          f"{floor / zip_t.best:.2f}x the zip -r loop; the work on top of it: "
          f"{build_t.best - floor:.3f} s")
    print(f"build under {GOAL_SECONDS:.0f} s: "
          f"{'met' if build_t.best < GOAL_SECONDS else 'NOT met'} ({build_t.best:.3f} s best)")
    print("in-process breakdown (repeated steps: best of the runs):")
    for step, value in steps.items():
        shown = f"{value:.3f} s" if isinstance(value, float) else str(value)
        print(f"  {step}: {shown}")
    print("every run checked (exit 0; one good zip per package and a full bundle)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
