"""`python -m bench [name ...]`: run the benchmarks (every bench/bench_*.py by default).

Each module has ``main(argv: list[str]) -> None`` that prints its figures next to a
reference measured in the same run. Figures are printed, never asserted.
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(folder)])
        if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or available()
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
