"""Run every benchmark in turn: `make bench` (full size) or `make bench BENCH_ARGS=--quick`.

Each benchmark prints its own numbers and ratios against its targets; nothing here asserts on time.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["roster_import.py", "performance_year.py", "fairness_additive.py", "fairness_reliability.py"]


def main() -> int:
    extra = sys.argv[1:]
    failed = []
    for name in BENCHES:
        print(f"\n=== {name} {' '.join(extra)}".rstrip(), flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / name), *extra])
        print(f"--- {name}: {time.perf_counter() - start:.0f} s, exit {code}", flush=True)
        if code:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
