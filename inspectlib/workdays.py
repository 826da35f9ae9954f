"""Chinese workdays (工作日) with statutory holidays and make-up workdays (调休), and the
campaign windows built on them.

Sources, in order of preference, per calendar year:

1. ``chinesecalendar`` (package ``chinese_calendar``): the official arrangement published
   each November by the General Office of the State Council (国务院办公厅关于XXXX年部分节假日
   安排的通知), holidays *and* make-up workdays. It raises ``NotImplementedError`` for years it
   does not know yet.
2. ``holidays`` (``holidays.China``) when it carries that year's official notice (its
   ``special_public_holidays`` has the year): same information, sometimes released earlier.
3. ``holidays`` estimation for any other year: statutory holidays from the lunisolar calendar,
   a holiday on a weekend moved to the next workday, and **no** make-up workdays. Days planned
   this way come with a visible warning (:attr:`Window.warnings`, and a log record), never
   silently.

For the years both packages know (2004–2026 with chinesecalendar 1.11 and holidays 0.109)
they agree on every day except 2005-12-31 (a Saturday worked to make the 2006 New Year
holiday three days long; chinesecalendar misses it, its issue #125). ``tests/test_workdays.py``
checks this day by day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import chinese_calendar
import holidays
import pandas as pd

from inspectlib.errors import Message, ParamsError, PlanningError
from inspectlib.notices import Notice

__all__ = [
    "CAMPAIGN_MONTHS",
    "Window",
    "calendar_source",
    "campaign_window",
    "default_window",
    "is_workday",
    "last_workday_before_spring_festival",
    "spring_festival",
    "spring_festival_holiday",
    "team_workdays",
    "workdays_between",
]

logger = logging.getLogger(__name__)

Source = Literal["chinesecalendar", "holidays", "estimated"]

#: Default months of each campaign (first month, last month); the wage window ends on the last
#: workday before the Spring Festival holiday instead (DESIGN.md §2).
CAMPAIGN_MONTHS: dict[str, tuple[int, int]] = {
    "wage": (1, 2),
    "illegal_employment": (6, 7),
    "heat": (8, 9),
    "service_sector": (10, 11),
}


@dataclass(frozen=True)
class Window:
    """A campaign's window and the workdays in it.

    Attributes
    ----------
    start, end : datetime.date
        First and last calendar day of the window (inclusive).
    workdays : list of datetime.date
        Chinese workdays from ``start`` to ``end``: weekdays that are not statutory holidays,
        plus make-up workdays (调休) that fall on a weekend.
    warnings : list of Notice
        Things the planner must see: years whose official holiday arrangement is not known,
        so holidays are estimated and make-up workdays are missing.
    calendar : str
        Where the calendar of each year came from, for the audit
        (e.g. ``"2027: holidays 0.109 (estimated)"``).
    """

    start: dt.date
    end: dt.date
    workdays: list[dt.date] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    calendar: str = ""


def _as_date(day: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    if isinstance(day, str):
        return dt.date.fromisoformat(day)
    to_pydate = getattr(day, "date", None)  # pandas.Timestamp, numpy datetime64 via pandas
    if callable(to_pydate):
        return to_pydate()
    raise TypeError(f"expected a date, got {day!r}")


@cache
def _chinesecalendar_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _holidays_calendar(year: int) -> holidays.HolidayBase:
    # The next year is loaded too: a make-up Saturday at the end of December can belong to the
    # next year's New Year arrangement (2005-12-31 for 2006).
    return holidays.China(years=(year, year + 1), language="en_US")


@cache
def calendar_source(year: int) -> Source:
    """Which source gives the workdays of ``year``.

    Returns
    -------
    {"chinesecalendar", "holidays", "estimated"}
        ``chinesecalendar`` or ``holidays`` when that package has the year's official
        arrangement; ``estimated`` when neither has it (make-up workdays unknown).

    Examples
    --------
    >>> calendar_source(2025)
    'chinesecalendar'
    """
    if _chinesecalendar_knows(year):
        return "chinesecalendar"
    official = getattr(_holidays_calendar(year), "special_public_holidays", {}) or {}
    return "holidays" if year in official else "estimated"


def _describe_source(year: int) -> str:
    source = calendar_source(year)
    if source == "chinesecalendar":
        return f"{year}: chinesecalendar {chinese_calendar.__version__} (official)"
    if source == "holidays":
        return f"{year}: holidays {holidays.__version__} (official)"
    return f"{year}: holidays {holidays.__version__} (estimated, no make-up workdays)"


def _unknown_year_warning(year: int) -> Notice:
    return Notice(
        "workdays.unknown_year",
        {
            "year": year,
            "chinesecalendar": chinese_calendar.__version__,
            "holidays": holidays.__version__,
        },
    )


@cache
def _workdays_of_year(year: int) -> frozenset[dt.date]:
    source = calendar_source(year)
    days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(366)]
    days = [d for d in days if d.year == year]
    if source == "chinesecalendar":
        return frozenset(d for d in days if chinese_calendar.is_workday(d))
    cal = _holidays_calendar(year)
    return frozenset(d for d in days if cal.is_working_day(d))


def is_workday(day: dt.date | dt.datetime | str) -> bool:
    """Whether ``day`` is a workday in mainland China.

    Weekdays are workdays unless they are statutory holidays or part of a holiday block;
    weekend days are days off unless they are make-up workdays (调休). For a year without
    the official arrangement the answer is an estimate (see :func:`calendar_source`).

    Examples
    --------
    >>> is_workday(dt.date(2025, 1, 26))  # Sunday, make-up workday for the Spring Festival
    True
    >>> is_workday(dt.date(2025, 1, 28))  # Spring Festival Eve, a holiday since 2025
    False
    """
    day = _as_date(day)
    return day in _workdays_of_year(day.year)


_LOGGED_YEARS: set[int] = set()


def workdays_between(
    start: dt.date | str, end: dt.date | str
) -> tuple[list[dt.date], list[Notice]]:
    """Workdays from ``start`` to ``end`` inclusive, with warnings for estimated years.

    Parameters
    ----------
    start, end : datetime.date or ISO string
        First and last day; an empty list when ``end`` is before ``start``.

    Returns
    -------
    workdays : list of datetime.date
        In date order.
    warnings : list of Notice
        One per year in the range without the official arrangement (``workdays.unknown_year``);
        each is also logged.

    Examples
    --------
    >>> days, warnings = workdays_between(dt.date(2025, 2, 3), dt.date(2025, 2, 9))
    >>> [d.isoformat() for d in days], warnings
    (['2025-02-05', '2025-02-06', '2025-02-07', '2025-02-08'], [])
    """
    start, end = _as_date(start), _as_date(end)
    days: list[dt.date] = []
    warnings: list[Notice] = []
    if end < start:
        return days, warnings
    for year in range(start.year, end.year + 1):
        if calendar_source(year) == "estimated":
            message = _unknown_year_warning(year)
            if year not in _LOGGED_YEARS:  # said once per process; every plan still records it
                _LOGGED_YEARS.add(year)
                logger.warning("%s", message)
            warnings.append(message)
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        days.extend(sorted(d for d in _workdays_of_year(year) if first <= d <= last))
    return days, warnings


def add_workdays(day: dt.date | str, n: int) -> dt.date:
    """The ``n``-th workday after ``day`` (``day`` itself not counted).

    Examples
    --------
    >>> add_workdays(dt.date(2025, 1, 24), 1)  # Friday → Sunday 26 January, a make-up workday
    datetime.date(2025, 1, 26)
    """
    day = _as_date(day)
    span = 2 * n + 30
    while True:
        days, _ = workdays_between(day + dt.timedelta(days=1), day + dt.timedelta(days=span))
        if len(days) >= n:
            return days[n - 1]
        span *= 2


def spring_festival(year: int) -> dt.date:
    """Chinese New Year's day (正月初一) of ``year``, from ``holidays``' lunisolar calendar.

    Examples
    --------
    >>> spring_festival(2027)
    datetime.date(2027, 2, 6)
    """
    days = [d for d in _holidays_calendar(year).get_named("Spring Festival") if d.year == year]
    if not days:  # pragma: no cover - holidays always has the festival for 1950-2100
        raise PlanningError(Message("errors.workdays.no_spring_festival", year=year))
    return min(days)


def spring_festival_holiday(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the Spring Festival holiday block of ``year``.

    The block is the run of consecutive days off around New Year's day, weekends and
    adjoining days off included (2025: Jan 28 to Feb 4).

    Examples
    --------
    >>> spring_festival_holiday(2025)
    (datetime.date(2025, 1, 28), datetime.date(2025, 2, 4))
    """
    first = last = spring_festival(year)
    while not is_workday(first - dt.timedelta(days=1)):
        first -= dt.timedelta(days=1)
    while not is_workday(last + dt.timedelta(days=1)):
        last += dt.timedelta(days=1)
    return first, last


def last_workday_before_spring_festival(year: int) -> dt.date:
    """The last workday before the Spring Festival holiday (a make-up Saturday counts).

    Examples
    --------
    >>> last_workday_before_spring_festival(2025)
    datetime.date(2025, 1, 27)
    >>> last_workday_before_spring_festival(2026)  # Saturday Feb 14 is a make-up workday
    datetime.date(2026, 2, 14)
    """
    return spring_festival_holiday(year)[0] - dt.timedelta(days=1)


def default_window(campaign_id: str, year: int) -> tuple[dt.date, dt.date]:
    """The default window of a campaign in ``year`` (DESIGN.md §1–2).

    ``wage``: 1 January to the last workday before the Spring Festival holiday;
    ``illegal_employment``: 1 June–31 July; ``heat``: 1 August–30 September;
    ``service_sector``: 1 October–30 November.

    Raises
    ------
    inspectlib.errors.ParamsError
        For an unknown campaign id.

    Examples
    --------
    >>> default_window("wage", 2027)
    (datetime.date(2027, 1, 1), datetime.date(2027, 2, 4))
    >>> default_window("heat", 2027)
    (datetime.date(2027, 8, 1), datetime.date(2027, 9, 30))
    """
    try:
        first_month, last_month = CAMPAIGN_MONTHS[campaign_id]
    except (KeyError, TypeError):
        raise ParamsError(
            Message(
                "params.unknown_campaign",
                value=repr(campaign_id),
                choices=", ".join(CAMPAIGN_MONTHS),
            )
        ) from None
    start = dt.date(year, first_month, 1)
    if campaign_id == "wage":
        return start, last_workday_before_spring_festival(year)
    return start, dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def window_dates(
    campaign_id: str,
    year: int,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> tuple[dt.date, dt.date]:
    """First and last day of a campaign window: the params' dates where given, else the
    defaults (no calendar lookup; :func:`campaign_window` adds the workdays and checks).

    Examples
    --------
    >>> window_dates("heat", 2027, end="2027-09-15")
    (datetime.date(2027, 8, 1), datetime.date(2027, 9, 15))
    """
    d_start, d_end = default_window(campaign_id, year)
    first = _as_date(start) if start is not None else d_start
    last = _as_date(end) if end is not None else d_end
    return first, last


def campaign_window(
    campaign_id: str,
    year: int,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> Window:
    """The campaign window with its workdays: the params' dates where given, else defaults.

    Parameters
    ----------
    campaign_id : str
        ``wage``, ``illegal_employment``, ``heat`` or ``service_sector``.
    year : int
        Campaign year.
    start, end : datetime.date, optional
        ``window_start`` / ``window_end`` from the params; ``None`` takes the default.

    Returns
    -------
    Window
        With a warning for every year of the window whose official holiday arrangement is
        not known (see :func:`workdays_between`).

    Raises
    ------
    inspectlib.errors.PlanningError
        When the window ends before it starts or has no workday.

    Examples
    --------
    >>> w = campaign_window("wage", 2025)
    >>> w.end, len(w.workdays), w.warnings
    (datetime.date(2025, 1, 27), 19, [])
    """
    first, last = window_dates(campaign_id, year, start, end)
    if last < first:
        hint = "window_end" if end is None else "window_start/window_end"
        raise PlanningError(
            Message(
                "cli.planning.window_backwards",
                campaign=campaign_id,
                year=year,
                first=first,
                last=last,
                hint=hint,
            )
        )
    days, warnings = workdays_between(first, last)
    if not days:
        raise PlanningError(
            Message("cli.planning.window_no_workday", campaign=campaign_id, first=first, last=last)
        )

    sources = "; ".join(_describe_source(y) for y in range(first.year, last.year + 1))
    return Window(start=first, end=last, workdays=days, warnings=warnings, calendar=sources)


def _optional_day(value: object) -> dt.date | None:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return None
    return pd.Timestamp(value).date()


def team_workdays(
    teams: pd.DataFrame, roster: pd.DataFrame | None, workdays: list[dt.date]
) -> tuple[dict[str, list[dt.date]], list[Notice]]:
    """The workdays on which every member of each team is available (the team's capacity).

    Parameters
    ----------
    teams : DataFrame
        ``team``, ``inspector_id`` (one row per member).
    roster : DataFrame, optional
        ``inspector_id``, ``available_from``, ``available_to`` (NaT: no limit).
    workdays : list of datetime.date
        The window's workdays.

    Returns
    -------
    days : dict
        Team → its workdays in date order.
    warnings : list of Notice
        Members not found in the roster (taken as always available).

    Examples
    --------
    >>> teams = pd.DataFrame({"team": ["T01", "T01"], "inspector_id": ["I1", "I2"]})
    >>> roster = pd.DataFrame({"inspector_id": ["I1", "I2"],
    ...                        "available_from": [pd.NaT, pd.Timestamp("2025-06-04")],
    ...                        "available_to": [pd.NaT, pd.NaT]})
    >>> team_workdays(teams, roster, [dt.date(2025, 6, 3), dt.date(2025, 6, 4)])[0]
    {'T01': [datetime.date(2025, 6, 4)]}
    """
    limits: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    if roster is not None and len(roster):
        frm = roster["available_from"] if "available_from" in roster else [None] * len(roster)
        to = roster["available_to"] if "available_to" in roster else [None] * len(roster)
        for pid, a, b in zip(roster["inspector_id"].astype(str), frm, to, strict=True):
            limits[pid] = (_optional_day(a), _optional_day(b))
    warnings: list[Notice] = []
    days: dict[str, list[dt.date]] = {}
    for team, members in teams.groupby("team", sort=True):
        first, last = dt.date.min, dt.date.max
        for pid in members["inspector_id"].astype(str):
            if roster is not None and pid not in limits:
                warnings.append(Notice("workdays.not_in_roster", {"team": team, "inspector": pid}))
            a, b = limits.get(pid, (None, None))
            first, last = max(first, a or dt.date.min), min(last, b or dt.date.max)
        days[str(team)] = [d for d in workdays if first <= d <= last]
    return days, warnings
