"""`python -m bench [name ...]`: run the benchmarks (every bench/bench_*.py by default,
except the long ones that start a whole cluster).

Each module has ``main(argv: list[str]) -> None`` that prints its figures next to a
reference measured in the same run. Figures are printed, never asserted.

``faults`` (about four minutes) and ``soak`` (a quarter of an hour) start a cluster of
their own (``bench/cluster.py``) and run only when named: ``make bench ARGS=faults``.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

# Named only, never in the default run: each starts a cluster and takes minutes.
ON_REQUEST = ("faults", "soak")


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(folder)])
        if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    named = [a for a in argv if not a.startswith("-")]
    names = named or [name for name in available() if name not in ON_REQUEST]
    options = [a for a in argv if a.startswith("-")]
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available())}")
        return 2
    for name in names:
        print(f"\n=== bench: {name} ===", flush=True)
        importlib.import_module(f"bench.bench_{name}").main(options)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
