"""One money parser and one hint for every money field (issue 13: "30.000" was refused on
one form and "1.350,00" accepted on another)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

import samenhang.blueprints as blueprints
from samenhang.blueprints.forms import MONEY_HINT, MoneyField


class _Form(FlaskForm):
    amount = MoneyField("Amount")


@pytest.mark.parametrize(
    ("text", "cents"),
    [("30.000", 3_000_000), ("1.350,00", 135_000), ("1350.5", 135_050), ("€ 12", 1200)],
)
def test_the_money_field_reads_every_way_people_write_amounts(
    app: Flask, text: str, cents: int
) -> None:
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"amount": text}), meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.amount.data == cents


@pytest.mark.parametrize("text", ["twaalf", "12,50,1", "1e3", "-5"])
def test_the_money_field_refuses_garbage(app: Flask, text: str) -> None:
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"amount": text}), meta={"csrf": False})
        assert not form.validate()
        assert form.amount.data is None and form.amount.errors


def _money_fields() -> list[tuple[str, str, UnboundField]]:
    found = []
    for module_info in pkgutil.walk_packages(blueprints.__path__, "samenhang.blueprints."):
        if not module_info.name.endswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, FlaskForm):
                for attribute, unbound in vars(value).items():
                    if isinstance(unbound, UnboundField) and issubclass(
                        unbound.field_class, MoneyField
                    ):
                        found.append((f"{module_info.name}.{name}", attribute, unbound))
    return found


def test_every_money_field_shows_the_one_hint(app: Flask) -> None:
    fields = _money_fields()
    assert len(fields) > 10
    with app.test_request_context():
        for where, attribute, unbound in fields:
            form: Any = type("F", (FlaskForm,), {attribute: unbound})(meta={"csrf": False})
            description = str(getattr(form, attribute).description)
            assert description.endswith(str(MONEY_HINT)), f"{where}.{attribute}: {description}"
