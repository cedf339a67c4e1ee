"""Outcome figures of a wijk per indicator and year, beside the city average, and the imports
they came from."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.db import bool_false, created_at, intpk
from samenhang.extensions import db
from samenhang.places.models import Municipality, Wijk

#: Statistics, not money: exact decimals with up to three places.
statistic = Numeric(14, 3)


class OutcomeImport(db.Model):
    """One CSV file, imported whole or not at all."""

    __tablename__ = "outcome_imports"

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    row_count: Mapped[int] = mapped_column(Integer)
    #: Example figures (the demo): every page that shows them says so.
    is_example: Mapped[bool_false]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    municipality: Mapped[Municipality] = relationship()
    imported_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutcomeImport {self.id} {self.filename!r} rows={self.row_count}>"


class OutcomeValue(db.Model):
    """A wijk's value of one indicator in one year, and its city's average that year."""

    __tablename__ = "outcome_values"
    __table_args__ = (
        UniqueConstraint("wijk_id", "indicator", "year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint("city_average <> 0", name="city_average_not_zero"),
    )

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), index=True)
    #: A key of `samenhang.outcomes.indicators.INDICATORS`.
    indicator: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    value: Mapped[Decimal] = mapped_column(statistic)
    city_average: Mapped[Decimal] = mapped_column(statistic)
    source: Mapped[str] = mapped_column(String(200))
    is_example: Mapped[bool_false]
    import_id: Mapped[int] = mapped_column(ForeignKey("outcome_imports.id"), index=True)

    wijk: Mapped[Wijk] = relationship()
    import_: Mapped[OutcomeImport] = relationship()

    def __repr__(self) -> str:
        return f"<OutcomeValue {self.id} wijk={self.wijk_id} {self.indicator} {self.year}>"
