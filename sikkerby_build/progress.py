"""Progress of a series of observations towards a target (or, without one, its direction):
the method the goal pages and the key figures share. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

PROGRESS_STATUSES = ("achieved", "on_track", "some_progress", "deterioration", "not_enough_data", "improving", "worsening", "unchanged")
ON_TRACK_RATIO = 0.95


@dataclass(frozen=True)
class Progress:
    status: str
    observed_rate: float | None = None
    required_rate: float | None = None
    method: str = ""


def _annual_rate(start: float, end: float, years: float) -> tuple[float, str]:
    """Compound annual growth; linear change per year when a value is 0 or negative."""
    if start > 0 and end > 0:
        return (end / start) ** (1 / years) - 1, "cagr"
    return (end - start) / years, "linear"


def goal_progress(
    observations: list[tuple[int, float]],
    target: float | None,
    target_year: int | None,
    direction: str,
) -> Progress:
    """Open SDG style status: observed growth vs the growth needed to reach the target.

    ``observations`` are (year, value) pairs; the first is the baseline. With a target:
    achieved if the latest value meets it; otherwise ratio = observed rate / required rate:
    >= 0.95 on track, > 0 some progress, <= 0 deterioration. Without a target the
    direction gives the trend. Fewer than two observations: not enough data.
    """
    points = sorted(observations)
    if len(points) < 2:
        return Progress("not_enough_data", method="fewer than two observations")
    (y0, v0), (y1, v1) = points[0], points[-1]
    sign = 1 if direction == "rising" else -1
    if target is not None and target_year is not None:
        if sign * (v1 - target) >= 0:
            return Progress("achieved", method="latest value meets target")
        if y1 <= y0 or target_year <= y0:
            return Progress("not_enough_data", method="no time span")
        observed, kind = _annual_rate(v0, v1, y1 - y0)
        required, kind2 = _annual_rate(v0, target, target_year - y0)
        if kind != kind2:  # compare like with like
            observed, required = (v1 - v0) / (y1 - y0), (target - v0) / (target_year - y0)
            kind = "linear"
        if required == 0:
            return Progress("on_track", observed, required, kind)
        ratio = observed / required
        status = "on_track" if ratio >= ON_TRACK_RATIO else "some_progress" if ratio > 0 else "deterioration"
        return Progress(status, observed, required, kind)
    change = sign * (v1 - v0)
    status = "improving" if change > 0 else "worsening" if change < 0 else "unchanged"
    return Progress(status, method="direction only")
