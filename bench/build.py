#!/usr/bin/env python3
"""Benchmark: ``muranokit build`` (validation + reproducible zips) against a ``zip -r`` loop.

Uses every package under ./packages/ when there are at least 25 of them; otherwise
generates a realistic 25-package suite (from the test fixtures: several classes, execution
plans, scripts, a UI form, logo and LICENSE each, ~700 KB in all) in a temporary folder.
Prints the whole-command time (interpreter start-up included) beside a ``zip -r`` loop
over the same folders in the same run, the ratio, and an in-process breakdown.

    python bench/build.py [--runs N] [--packages DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def time_command(argv: list[str], runs: int, **kwargs) -> float:
    """Best wall time of ``runs`` runs of ``argv`` (must succeed)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best


def zip_loop_script(folders: list[Path], out: Path) -> str:
    lines = ["set -e"]
    for index, folder in enumerate(folders):
        lines.append(f"(cd '{folder}' && zip -qr '{out}/{index}.zip' .)")
    return "\n".join(lines)


def breakdown(folders: list[Path], out: Path) -> dict[str, float]:
    """In-process time of each step (after imports)."""
    from muranokit.tools.builder import build
    from muranokit.tools.package import load_package
    from muranokit.tools.validate import validate_packages
    from muranokit.tools.validate.yaqlcheck import compile_expression, engine
    from muranokit.tools.zipper import zip_bytes

    steps = {}
    start = time.perf_counter()
    engine()
    steps["yaql parser build"] = time.perf_counter() - start
    start = time.perf_counter()
    packages = [load_package(str(f)) for f in folders]
    steps["load (read files, manifests)"] = time.perf_counter() - start
    start = time.perf_counter()
    validate_packages(packages)
    steps["validate"] = time.perf_counter() - start
    steps["  distinct expressions compiled"] = compile_expression.cache_info().currsize
    start = time.perf_counter()
    for package in packages:
        zip_bytes(package)
    steps["zip (in memory)"] = time.perf_counter() - start
    start = time.perf_counter()
    build([str(f) for f in folders], str(out), quiet=True)
    steps["whole build() again (warm)"] = time.perf_counter() - start
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (best is kept)")
    parser.add_argument("--packages", default=str(ROOT / "packages"),
                        help="folder of package sources (default: ./packages)")
    args = parser.parse_args()
    if not shutil.which("zip"):
        print("bench/build.py: the 'zip' program is needed for the comparison", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from muranokit.tools.package import find_package_dirs

    with tempfile.TemporaryDirectory(prefix="muranokit-bench-") as tmp:
        tmp_path = Path(tmp)
        folders = [Path(p) for p in find_package_dirs(args.packages)] \
            if os.path.isdir(args.packages) else []
        source = args.packages
        if len(folders) < SUITE_SIZE:
            folders = generate_suite(tmp_path / "suite")
            source = f"generated suite ({len(folders)} packages; {args.packages} has fewer)"
        size = sum(f.stat().st_size for d in folders for f in d.rglob("*") if f.is_file())
        files = sum(1 for d in folders for f in d.rglob("*") if f.is_file())
        out_build, out_zip = tmp_path / "dist", tmp_path / "zip"
        out_zip.mkdir()
        command = [sys.executable, "-m", "muranokit", "build", "-q", "-o", str(out_build),
                   *map(str, folders)]
        validate = [sys.executable, "-m", "muranokit", "validate", "-q", *map(str, folders)]
        subprocess.run(command, check=True)  # warm the page cache, and fail early
        build_time = time_command(command, args.runs)
        validate_time = time_command(validate, args.runs)
        zip_time = time_command(["bash", "-c", zip_loop_script(folders, out_zip)], args.runs)
        python_start = time_command([sys.executable, "-c", "pass"], args.runs)
        steps = breakdown(folders, tmp_path / "dist2")

    print(f"packages: {source}")
    print(f"sources: {len(folders)} packages, {files} files, {size / 1024:.0f} KiB")
    print(f"muranokit build (validate + zip + bundle), whole command: {build_time:.3f} s")
    print(f"muranokit validate, whole command:                        {validate_time:.3f} s")
    print(f"zip -r loop over the same folders:                        {zip_time:.3f} s")
    print(f"python start-up alone:                                    {python_start:.3f} s")
    ratio = build_time / zip_time
    print(f"ratio build / zip -r: {ratio:.2f}x (goal <= {GOAL_RATIO:.0f}x: "
          f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}); build under {GOAL_SECONDS:.0f} s: "
          f"{'met' if build_time < GOAL_SECONDS else 'NOT met'}")
    print(f"best of {args.runs} runs each; in-process breakdown:")
    for step, value in steps.items():
        shown = f"{value:.3f} s" if isinstance(value, float) else str(value)
        print(f"  {step}: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
