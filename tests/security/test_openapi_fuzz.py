"""schemathesis against the API as its OpenAPI document describes it, offline (WSGI).

Every operation of /api/v1/openapi.json gets a few generated requests, valid ones and ones
the document refuses; the answers must never be a server error, must match the document
(status, content type, body schema), and what the document refuses must be refused.
A seed and a few examples keep it fast and the same on every run.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import schemathesis
from factories.initiatives import PublishedInitiativeFactory
from factories.places import WijkFactory
from flask import Flask
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
]


def test_the_api_keeps_the_promises_of_its_document(app: Flask, db_session: Any) -> None:
    # Something to list, so answers carry bodies the schema can check.
    wijk = WijkFactory()
    PublishedInitiativeFactory(wijk=wijk)
    PublishedInitiativeFactory(wijk=wijk, summary="مرحبا \u202eevil")
    db_session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Not the pytest plugin (`from_fixture` breaks on pytest 9): each operation's strategy
    # is run here, inside the test's transaction.
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the document describes no operation"
    for operation, mode in itertools.product(operations, GenerationMode):
        checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS
        _probe(operation, mode, checks)()


def _probe(operation: Any, mode: GenerationMode, checks: list[Any]) -> Any:
    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(17)
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        # The WSGI client does not unzip what blueprints/compression.py zips.
        case.call_and_validate(checks=checks, headers={"Accept-Encoding": "identity"})

    return call


def test_an_empty_filter_value_is_refused(client: Any) -> None:
    for url in (
        "/api/v1/outcomes?theme=",
        "/api/v1/initiatives?theme=",
        "/api/v1/outcomes?indicator=",
        "/api/v1/campaigns?status=",
    ):
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert answer.is_json, url
