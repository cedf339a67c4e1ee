"""The Dutch clock: the days residents see and choose (deadlines, expiry, closing dates)
are days in the Netherlands, while the database keeps UTC moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_ngettext

from samenhang.db import utcnow
from samenhang.errors import DomainError

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """The day it is in the Netherlands at `moment`, an aware datetime."""
    return moment.astimezone(LOCAL_TIME).date()


def local_today(now: datetime | None = None) -> date:
    return local_date(now or utcnow())


def end_of_day(day: date) -> datetime:
    """23:59:59 on `day` in the Netherlands, as an aware UTC datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL_TIME).astimezone(UTC)


def comments_close_at(day: date, now: datetime, min_days: int) -> datetime:
    """The end of `day`, the last day residents may comment on a draft (a buurtcontract,
    a pot's criteria); refused when that leaves them fewer than `min_days` days."""
    closes_at = end_of_day(day)
    if closes_at < now + timedelta(days=min_days):
        raise DomainError(
            lazy_ngettext(
                "Give residents at least {days} day to comment.",
                "Give residents at least {days} days to comment.",
                min_days,
            ),
            days=min_days,
        )
    return closes_at
