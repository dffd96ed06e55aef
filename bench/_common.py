"""Helpers shared by the benchmarks (see ../shared/BENCHMARKS.md for the contract)."""

from __future__ import annotations

import argparse
import json
import statistics


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller case (< 50 s)")
    return parser.parse_args()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(
    *, bench: str, metric: str, value: float, target: str, ok: bool, **extra
) -> None:
    """Print the one-line JSON result the contract asks for, as the last line."""
    print(
        json.dumps(
            {
                "bench": bench,
                "metric": metric,
                "value": value,
                "target": target,
                "ok": ok,
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
