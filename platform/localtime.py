"""The Dutch clock: the days residents see and choose (deadlines, expiry, closing dates)
are days in the Netherlands, while the database keeps UTC moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from samenhang.db import utcnow

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """The day it is in the Netherlands at `moment`, an aware datetime."""
    return moment.astimezone(LOCAL_TIME).date()


def local_today(now: datetime | None = None) -> date:
    return local_date(now or utcnow())


def end_of_day(day: date) -> datetime:
    """23:59:59 on `day` in the Netherlands, as an aware UTC datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL_TIME).astimezone(UTC)
