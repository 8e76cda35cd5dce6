"""Engine benchmark: prints each figure and its speed-up over upstream Murano's engine.

Figures (median of several runs, per operation):
  while   one iteration of a While loop with 3 statements
  call    one MuranoPL method call made from a For loop
  new     new() of an object whose property has a contract
  corelib first load of the core library in a fresh process (a Runtime plus its classes)
Upstream figures (this kind of machine, see the issue) are the midpoints of the ranges.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

UPSTREAM = {"while": 1.55e-3, "call": 2.55e-3, "new": 4.65e-3, "corelib": 1.49}
TARGET = {"while": 50e-6, "call": 80e-6, "new": 150e-6, "corelib": 0.2}

BENCH_CLASS = textwrap.dedent("""\
    Namespaces:
      =: bench.engine
    Name: Bench
    Properties:
      value:
        Contract: $.int()
        Default: 0
    Methods:
      whileLoop:
        Arguments:
          - n:
              Contract: $.int().notNull()
        Body:
          - $i: 0
          - $total: 0
          - While: $i < $n
            Do:
              - $i: $i + 1
              - $total: $total + $i
              - $last: $i
          - Return: $total
      callLoop:
        Arguments:
          - items:
              Contract: [$.int()]
        Body:
          - $total: 0
          - For: x
            In: $items
            Do:
              - $total: $.add($total, $x)
          - Return: $total
      add:
        Arguments:
          - a:
              Contract: $.int()
          - b:
              Contract: $.int()
        Body:
          - Return: $a + $b
      newLoop:
        Arguments:
          - n:
              Contract: $.int().notNull()
        Body:
          - For: i
            In: range($n)
            Do:
              - $obj: new(Item, name => 'item')
          - Return: $n
      empty:
        Body: []
    ---
    Namespaces:
      =: bench.engine
    Name: Item
    Properties:
      name:
        Contract: $.string().notNull()
    """)


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def measure(runtime, obj, method: str, arg, n: int, repeat: int = 5) -> float:
    """Seconds per operation: (time(method, n) - time(empty call)) / n, median of runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        runtime.call(obj, "empty")
        base = time.perf_counter() - start
        start = time.perf_counter()
        runtime.call(obj, method, arg)
        samples.append((time.perf_counter() - start - base) / n)
    return _median(samples)


CORELIB_CODE = """
import time
t0 = time.perf_counter()
from muranokit.engine import Runtime
t1 = time.perf_counter()
rt = Runtime([])
rt.compile_all(core=True)
t2 = time.perf_counter()
print(t2 - t0, t2 - t1)
"""


def corelib_load_seconds() -> tuple[float, float]:
    """(total, without the imports) seconds to load and compile the whole core library."""
    totals, loads = [], []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", CORELIB_CODE], capture_output=True,
                             text=True, check=True)
        total, load = map(float, out.stdout.strip().splitlines()[-1].split())
        totals.append(total)
        loads.append(load)
    return _median(totals), _median(loads)


def main() -> int:
    from muranokit.engine import Runtime
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "bench")
        os.mkdir(folder)
        with open(os.path.join(folder, "Bench.yaml"), "w") as fh:
            fh.write(BENCH_CLASS)
        rt = Runtime([folder])
        obj = rt.new("bench.engine.Bench")
        rt.call(obj, "whileLoop", 10)     # warm up: compile bodies once
        rt.call(obj, "callLoop", [1, 2])
        rt.call(obj, "newLoop", 2)
        figures = {
            "while": measure(rt, obj, "whileLoop", 5000, 5000),
            "call": measure(rt, obj, "callLoop", list(range(2000)), 2000),
            "new": measure(rt, obj, "newLoop", 1000, 1000),
        }
        figures["corelib"], without_imports = corelib_load_seconds()
    print(f"{'figure':8} {'muranokit':>12} {'upstream':>10} {'speed-up':>9} {'target':>9}")
    for key, value in figures.items():
        unit, scale = ("s", 1) if key == "corelib" else ("us", 1e6)
        ok = "ok" if value <= TARGET[key] else "MISSED"
        print(f"{key:8} {value * scale:10.1f}{unit:>2} {UPSTREAM[key] * scale:8.0f}{unit:>2} "
              f"{UPSTREAM[key] / value:8.1f}x {ok:>9}")
    print(f"(corelib without Python imports: {without_imports:.3f} s; bodies, contracts and "
          "defaults compiled)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
