"""Due dates, extensions and the late policy: pure functions, no files.

A policy is a due date-time (with its zone), a penalty per day started, a cap, and an
optional last day after which a submission earns 0:

- ``late_days``: 0 on time (``submitted <= due``), else the number of days started after the
  due time, counted in **calendar days of the due date's zone** (smallest ``n`` such that
  ``submitted <= due + n days`` on the wall clock): a submission at 23:30 the day after a
  23:59 deadline is one day late even on the night the clocks go back (24 h 31 min later);
- ``penalty = min(per_day * late_days, cap)``, or 1 (100 %) after ``last_day``;
- ``final_score = score * (1 - penalty)``: a share of the student's own score, so a late 0
  stays 0 and no score goes below 0.

Moments are compared and subtracted in UTC: Python compares two times of the same zone object
by their wall clocks, which is wrong across a daylight-saving change.

An extension gives one student a new due date, or extra days (calendar days, as above); the
last day moves by as much. A submission whose time is unknown gets no penalty, and its
status says so (``UNKNOWN_TIME``).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import zoneinfo

UTC = dt.timezone.utc
UNKNOWN_TIME = "submission time unknown: no late penalty applied"
_WHEN = re.compile(r"(?P<stamp>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                   r"(Z|[+-]\d{2}:?\d{2})?)(\s+(?P<zone>\S+))?")
_RATE = re.compile(r"(?P<value>\d+(\.\d+)?)\s*%\s*(/\s*day)?")


class DeadlineError(ValueError):
    """A date, a zone, a rate or an extension that cannot be understood; the message says which."""


def utc(moment: dt.datetime) -> dt.datetime:
    """The same moment in UTC (to compare or subtract moments whatever their zones)."""
    return moment.astimezone(UTC)


def zone_named(name: str) -> dt.tzinfo:
    """The time zone ``name`` (IANA, ``Europe/Paris``; or ``UTC``)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DeadlineError(f"unknown time zone {name!r} (expected an IANA name such as Europe/Paris, or UTC)") from None


def parse_when(text: str, zone: str | None = None, what: str = "date") -> dt.datetime:
    """A moment from ``"2026-12-01 23:59 Europe/Paris"``, ``"2026-12-01T23:59:00+01:00"`` or,
    with ``zone`` as the default zone, ``"2026-12-01 23:59"``. A wall-clock time that does not
    exist or happens twice in its zone (a daylight-saving change) is refused."""
    match = _WHEN.fullmatch(text.strip())
    if not match:
        raise DeadlineError(f"{what} {text!r}: expected 'YYYY-MM-DD HH:MM Zone/Name' "
                            "(e.g. '2026-12-01 23:59 Europe/Paris') or an ISO time with its offset")
    try:
        moment = dt.datetime.fromisoformat(match["stamp"].replace(" ", "T").replace("Z", "+00:00"))
    except ValueError as exc:  # 2026-13-01, 25:00
        raise DeadlineError(f"{what} {text!r}: {exc}") from None
    if moment.tzinfo is not None:
        if match["zone"]:
            raise DeadlineError(f"{what} {text!r}: give either an offset or a zone name, not both")
        return moment
    name = match["zone"] or zone
    if not name:
        raise DeadlineError(f"{what} {text!r} has no time zone: add one ('{text.strip()} Europe/Paris') "
                            "or set the course's timezone")
    local = moment.replace(tzinfo=zone_named(name))
    if not _exists_once(local):
        raise DeadlineError(f"{what} {text!r}: this wall-clock time does not exist or happens twice in {name} "
                            "(a daylight-saving change); pick another time")
    return local


def _exists_once(local: dt.datetime) -> bool:
    """True if the wall-clock time ``local`` names exactly one moment in its zone."""
    return local.replace(fold=0).utcoffset() == local.replace(fold=1).utcoffset()


def parse_percent(text: str, what: str = "percentage") -> float:
    """``"10%/day"`` or ``"50%"`` as a fraction (0.1, 0.5), between 0 and 100 %."""
    match = _RATE.fullmatch(str(text).strip())
    if not match or float(match["value"]) > 100:
        raise DeadlineError(f"{what} {text!r}: expected a percentage from 0% to 100% (e.g. '10%/day', '50%')")
    return float(match["value"]) / 100


@dataclasses.dataclass(frozen=True)
class Policy:
    """When an assignment is due and what lateness costs (fractions of the student's score)."""

    due: dt.datetime
    per_day: float = 0.0
    cap: float = 1.0
    last_day: dt.datetime | None = None

    def __post_init__(self):
        if self.due.tzinfo is None:
            raise DeadlineError("the due date needs a time zone")
        if self.last_day is not None and utc(self.last_day) < utc(self.due):
            raise DeadlineError(f"the last day ({self.last_day}) is before the due date ({self.due})")


@dataclasses.dataclass(frozen=True)
class Extension:
    """One student's extension: a new due date, or a number of extra calendar days."""

    due: dt.datetime | None = None
    days: int = 0


def shift_days(moment: dt.datetime, days: int) -> dt.datetime:
    """``moment`` plus ``days`` calendar days on its zone's wall clock (23:59 stays 23:59 across DST)."""
    return (moment.replace(tzinfo=None) + dt.timedelta(days=days)).replace(tzinfo=moment.tzinfo)


def extended(policy: Policy, extension: Extension | None) -> Policy:
    """The policy for a student with ``extension``: due date and last day moved by the same amount."""
    if extension is None:
        return policy
    due = extension.due or shift_days(policy.due, extension.days)
    last_day = None
    if policy.last_day is not None:
        last_day = ((utc(policy.last_day) + (utc(due) - utc(policy.due))).astimezone(policy.last_day.tzinfo)
                    if extension.due else shift_days(policy.last_day, extension.days))
        last_day = max(last_day, due, key=utc)
    return dataclasses.replace(policy, due=due, last_day=last_day)


def late_days(due: dt.datetime, submitted: dt.datetime) -> int:
    """Days started after ``due`` (calendar days of ``due``'s zone): 0 on time, 1 up to the same time the next day."""
    submitted = utc(submitted)
    if submitted <= utc(due):
        return 0
    days = max(1, math.ceil((submitted - utc(due)) / dt.timedelta(days=1)) - 1)  # within one of the answer
    while utc(shift_days(due, days)) < submitted:
        days += 1
    while days > 1 and utc(shift_days(due, days - 1)) >= submitted:
        days -= 1
    return days


@dataclasses.dataclass(frozen=True)
class Lateness:
    """What the policy says of one submission; ``late_days`` and ``penalty`` are None when its time is unknown."""

    submitted_at: dt.datetime | None
    late_days: int | None
    penalty: float | None
    note: str | None = None  # for the status: unknown time, late, past the last day


def assess(policy: Policy, submitted: dt.datetime | None) -> Lateness:
    """The lateness of a submission handed in at ``submitted`` (None: unknown) under ``policy``."""
    if submitted is None:
        return Lateness(None, None, None, UNKNOWN_TIME)
    submitted = submitted.astimezone(policy.due.tzinfo)  # shown in the due date's zone
    days = late_days(policy.due, submitted)
    if policy.last_day is not None and utc(submitted) > utc(policy.last_day):
        return Lateness(submitted, days, 1.0, f"submitted after the last day ({show(policy.last_day)}): score 0")
    penalty = round(min(policy.per_day * days, policy.cap), 6)  # 3 x 10% is 30%, not 30.000000000000004%
    note = f"late by {days} day{'s' * (days > 1)} (penalty {percent(penalty)})" if days else None
    return Lateness(submitted, days, penalty, note)


def final_score(score: float, penalty: float | None) -> float:
    """``score * (1 - penalty)``, rounded to 4 decimals; the score itself when no penalty is known."""
    return round(score * (1 - (penalty or 0.0)), 4)


LATE_COLUMNS = ("submitted_at", "late_days", "penalty", "final_score")


def late_columns(score: float, lateness: Lateness) -> dict[str, str]:
    """grades.csv's deadline columns for a student with ``score`` (empty where the time is unknown)."""
    known = lateness.submitted_at is not None
    return {"submitted_at": show(lateness.submitted_at) if known else "",
            "late_days": str(lateness.late_days) if known else "",
            "penalty": percent(lateness.penalty) if known else "",
            "final_score": f"{final_score(score, lateness.penalty):g}"}


def percent(fraction: float) -> str:
    """``0.2`` as ``"20%"``, ``0.125`` as ``"12.5%"``."""
    return f"{round(100 * fraction, 4):g}%"


def show(moment: dt.datetime) -> str:
    """A moment as grades.csv shows it: ISO 8601 with its offset, to the second."""
    return moment.isoformat(timespec="seconds")
