from __future__ import annotations

import factory

from factories.base import ModelFactory
from samenhang.accounts.models import (
    AddressVerification,
    Role,
    User,
    VerificationMethod,
    VerificationStatus,
)
from samenhang.accounts.passwords import hash_password
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.places.models import Wijk

PASSWORD = "correct horse battery"
#: Hashed once: argon2 is slow on purpose, and every test user shares this password.
PASSWORD_HASH = hash_password(PASSWORD)


class UserFactory(ModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Bewoner {n}")
    password_hash = PASSWORD_HASH
    role = Role.bewoner
    email_verified_at = factory.LazyFunction(utcnow)


class AdminFactory(UserFactory):
    role = Role.admin


class WijkmanagerFactory(UserFactory):
    role = Role.wijkmanager

    @factory.post_generation
    def wijken(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if extracted:
            self.managed_wijken = list(extracted)


def verify_address(
    user: User,
    wijk: Wijk | None = None,
    *,
    method: VerificationMethod = VerificationMethod.register,
    address: str = "Bewoner\nBloemstraat 3",
) -> AddressVerification:
    """A checked address in `wijk` (the user's own by default), as a wijkmanager's register
    check or a letter's code would leave it."""
    wijk = wijk or user.wijk
    assert wijk is not None, "give the user a wijk, or name one"
    row = AddressVerification(
        user=user,
        wijk=wijk,
        postcode=user.postcode or "9715AB",
        address=address,
        status=VerificationStatus.verified,
        method=method,
        verified_at=utcnow(),
        verified_by=user,
    )
    db.session.add(row)
    db.session.flush()
    return row


class VerifiedResidentFactory(UserFactory):
    """A resident of `wijk` whose address was checked (may vote and apply for money)."""

    postcode = "9715AB"

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and self.wijk is not None:
            verify_address(self)
