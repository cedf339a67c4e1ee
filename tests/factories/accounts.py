from __future__ import annotations

import factory

from factories.base import ModelFactory
from samenhang.accounts.models import Role, User
from samenhang.accounts.passwords import hash_password
from samenhang.db import utcnow

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
