"""Keeps docs/development.md "Adding an area" true: every area is registered everywhere."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from samenhang.app import create_app

ROOT = Path(__file__).resolve().parent.parent

#: Areas that have models but make no test data of their own, and why.
NO_FACTORIES = {
    "audit": "entries are written by the services of every area",
    "content": "translations are made through the content services in each test",
}


#: Blueprints without HTML pages, and why.
NOT_IN_BROWSER = {"api": "answers JSON only (tests/initiatives/test_api.py)"}


def _areas() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "platform").glob("*/models.py"))


AREAS = _areas()


@pytest.fixture(scope="module")
def url_app() -> Flask:
    return create_app({"SECRET_KEY": "areas", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.pure
@pytest.mark.parametrize("area", AREAS)
def test_area_models_are_imported_for_alembic(area: str) -> None:
    lines = (ROOT / "platform" / "models.py").read_text().splitlines()
    assert any(line.startswith(f"import samenhang.{area}.models") for line in lines)


@pytest.mark.pure
@pytest.mark.parametrize("area", AREAS)
def test_area_is_an_installed_package(area: str) -> None:
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert f"samenhang.{area}" in packages["packages"]
    if (ROOT / "blueprints" / area).is_dir():
        assert f"samenhang.blueprints.{area}" in packages["packages"]


@pytest.mark.pure
@pytest.mark.parametrize("area", [a for a in AREAS if a not in NO_FACTORIES])
def test_area_has_test_factories(area: str) -> None:
    assert (ROOT / "tests" / "factories" / f"{area}.py").is_file()


def _browser_paths() -> list[str]:
    spec = importlib.util.spec_from_file_location(
        "browser_pages", ROOT / "tests" / "browser" / "test_accessibility.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return [page.path.split("?")[0] for page in module.PAGES]


def _blueprint_areas() -> list[str]:
    return sorted(
        p.name
        for p in (ROOT / "blueprints").iterdir()
        if (p / "__init__.py").exists() and p.name not in NOT_IN_BROWSER
    )


@pytest.mark.parametrize("area", _blueprint_areas())
def test_blueprint_is_registered_and_its_pages_are_in_the_browser_checks(
    url_app: Flask, area: str
) -> None:
    assert area in url_app.blueprints, f"add blueprints/{area} to BLUEPRINTS"
    adapter = url_app.url_map.bind("localhost")
    checked = set()
    for path in _browser_paths():
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except HTTPException:  # a redirect (RequestRedirect) or a route gone since
            continue
        checked.add(endpoint.split(".")[0])
    assert area in checked, f"add a page of blueprints/{area} to PAGES in the browser checks"
