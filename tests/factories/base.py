from __future__ import annotations

import factory.alchemy

from samenhang.extensions import db


class ModelFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per test
        # Commit (which only releases the test's savepoint) so that a request that rolls
        # back on a 4xx answer keeps the test's own data.
        sqlalchemy_session_persistence = "commit"
