"""Municipalities (gemeenten), their wijken and the postcodes that place an address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.db import created_at, intpk, str_short
from samenhang.extensions import db
from samenhang.themes import DEFAULT_THEME

if TYPE_CHECKING:
    from samenhang.accounts.models import User


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[intpk]
    name: Mapped[str_short]
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: CBS gemeentecode, e.g. GM0014 for Groningen.
    cbs_code: Mapped[str] = mapped_column(String(6), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    #: The folder name of its theme (samenhang.themes): the look of its pages.
    theme: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_THEME, server_default=DEFAULT_THEME
    )
    created_at: Mapped[created_at]

    wijken: Mapped[list[Wijk]] = relationship(
        back_populates="municipality", order_by="Wijk.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Municipality {self.id} {self.slug}>"


class Wijk(db.Model):
    __tablename__ = "wijken"
    __table_args__ = (UniqueConstraint("municipality_id", "slug"),)

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str_short]
    slug: Mapped[str] = mapped_column(String(80))
    #: CBS wijkcode, e.g. WK001401; unique across the country.
    cbs_code: Mapped[str] = mapped_column(String(8), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[created_at]

    municipality: Mapped[Municipality] = relationship(back_populates="wijken")
    postcodes: Mapped[list[WijkPostcode]] = relationship(
        back_populates="wijk", cascade="all, delete-orphan"
    )
    managers: Mapped[list[User]] = relationship(
        secondary="wijk_managers", back_populates="managed_wijken", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Wijk {self.id} {self.slug}>"


class WijkPostcode(db.Model):
    """A four-digit postcode area (PC4) that lies (partly) in a wijk."""

    __tablename__ = "wijk_postcodes"

    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), primary_key=True)
    postcode4: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)

    wijk: Mapped[Wijk] = relationship(back_populates="postcodes")

    def __repr__(self) -> str:
        return f"<WijkPostcode {self.postcode4} wijk={self.wijk_id}>"
