#!/usr/bin/env python3
"""The module graph of the engine (or of tools/): who imports whom, circles, floors.

Reads the sources (nothing is imported or run) and prints, for every module of the
folder, the project modules it imports, marking imports made inside a function
(``~``); then every circle (modules importing each other, directly or round a loop),
the floors (floor 1 imports no project module; every module stands above all it imports),
and the count of imports inside functions between project modules.

    python bench/imports.py [engine|tools] [--root DIR]

``--root`` reads another checkout (to compare before and after a change).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"engine": "muranokit.engine", "tools": "muranokit.tools"}


def module_name(root: Path, path: Path) -> str:
    """``engine/syntax/rules.py`` -> ``muranokit.engine.syntax.rules``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGES[parts[0]], *parts[1:]])


def modules_of(root: Path, folder: str) -> dict[str, Path]:
    found = {}
    for path in sorted((root / folder).rglob("*.py")):
        if "__pycache__" not in path.parts:
            found[module_name(root, path)] = path
    return found


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str, path: Path, known: set[str]) -> dict[str, list[int]]:
    """Project modules ``name`` imports -> [imports at module level, imports in functions]."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: dict[str, list[int]] = {}

    def note(target: str, nested: bool) -> None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.setdefault(target, [0, 0])[1 if nested else 0] += 1

    def visit(node: ast.AST, nested: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                 ast.Lambda))
            guarded = type_only or (isinstance(child, ast.If)
                                    and "TYPE_CHECKING" in ast.unparse(child.test))
            if isinstance(child, ast.Import) and not type_only:
                for alias in child.names:
                    note(alias.name, inner)
            elif isinstance(child, ast.ImportFrom) and not type_only:
                base = _resolve(name, is_package, child)
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    note(full if full in known else base, inner)
            visit(child, inner, guarded)
    visit(tree, False, False)
    return found


def graph(root: Path, folder: str) -> dict[str, dict[str, list[int]]]:
    """Module -> {imported project module: [module-level count, in-function count]}."""
    mods = modules_of(root, folder)
    known = set(mods)
    for other in PACKAGES:
        known |= set(modules_of(root, other)) if (root / other).is_dir() else set()
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def floors(edges: dict[str, set[str]], members: set[str]) -> dict[str, int]:
    """Floor of each module (circles count as one room): 1 + the highest floor below."""
    comps = {m: frozenset([m]) for m in members}
    for comp in circles(edges):
        for m in comp:
            comps[m] = frozenset(comp)
    memo: dict[frozenset, int] = {}

    def floor_of(comp: frozenset, seen: frozenset) -> int:
        if comp in memo:
            return memo[comp]
        below = {comps[t] for m in comp for t in edges.get(m, ()) if t in members} - {comp}
        level = 1 + max((floor_of(c, seen | {comp}) for c in below if c not in seen),
                        default=0)
        memo[comp] = level
        return level
    return {m: floor_of(comps[m], frozenset()) for m in members}


def short(name: str) -> str:
    return name.removeprefix("muranokit.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="engine", choices=sorted(PACKAGES))
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    g = graph(args.root, args.folder)
    members = set(g)
    prefix = PACKAGES[args.folder]
    edges = {m: set(t for t in deps if t in members) for m, deps in g.items()}
    print(f"# modules of {args.folder}/ and the project modules each imports "
          f"(~ = only inside functions)")
    for name in sorted(g):
        deps = sorted(g[name])
        shown = ", ".join(("" if g[name][d][0] else "~") + short(d) for d in deps) or "-"
        print(f"{short(name)} -> {shown}")
    comps = circles(edges)
    print(f"\n# circles: {len(comps)}")
    for comp in comps:
        print("  " + " <-> ".join(short(m) for m in comp))
    mutual = sorted({tuple(sorted((a, b))) for a, ts in edges.items() for b in ts
                     if a in edges.get(b, ())})
    print(f"# module pairs importing each other: {len(mutual)}")
    for a, b in mutual:
        print(f"  {short(a)} <-> {short(b)}")
    nested = [(a, b, counts[1]) for a, ts in g.items() for b, counts in ts.items()
              if counts[1] and b.startswith(prefix)]
    total = sum(n for _, _, n in nested)
    print(f"# import statements inside functions between {args.folder} modules: {total} "
          f"(in {len(nested)} module pairs)")
    for a, b, n in sorted(nested):
        print(f"  {short(a)} ~> {short(b)}" + (f" ({n})" if n > 1 else ""))
    levels = floors(edges, members)
    print(f"\n# floors (1 = imports no other {args.folder} module): {max(levels.values())}")
    for level in sorted(set(levels.values()), reverse=True):
        names = sorted(short(m) for m, lv in levels.items() if lv == level)
        print(f"  {level:2}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
