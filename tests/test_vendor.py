"""The vendored NL Design System files: licensed to ship, unedited, and complete for app.css."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "platform" / "static"
VAR_WITHOUT_FALLBACK = re.compile(r"var\(\s*(--[\w-]+)\s*\)")
DEFINED = re.compile(r"(--[\w-]+)\s*:")


def _vendor_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_nlds", ROOT / "tools" / "vendor_nlds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


VENDOR = _vendor_script()


def test_every_vendored_package_is_eupl_with_its_licence_beside_it() -> None:
    folders = [p.parent for p in (STATIC / "vendor" / "nlds").rglob("package.json")]
    assert len(folders) == len(VENDOR.COMPONENTS)
    for folder in folders:
        assert json.loads((folder / "package.json").read_text())["license"] == "EUPL-1.2"
        assert VENDOR.LICENCE_TEXT in (folder / "LICENSE.md").read_text()
    for tokens in VENDOR.TOKENS:
        assert VENDOR.LICENCE_TEXT in (STATIC / "themes" / tokens.theme / "LICENSE.md").read_text()


def test_no_proprietary_tokens_are_shipped() -> None:
    shipped = " ".join(p.read_text() for p in (STATIC / "themes").rglob("*.css"))
    for package in ("@utrecht/design-tokens", "@amsterdam/design-system-tokens"):
        assert package not in shipped
    assert not [t for t in VENDOR.TOKENS if t.package.startswith(("@utrecht/", "@amsterdam/"))]


def test_the_bundle_is_the_vendored_files_unedited() -> None:
    bundle = (STATIC / "vendor" / "nlds" / "nlds.css").read_text()
    for component in VENDOR.COMPONENTS:
        folder = VENDOR.folder_of(component.package, component.version)
        for part in component.parts:
            assert (folder / f"{part}.min.css").read_text().strip() in bundle


def test_every_token_app_css_reads_without_a_fallback_is_defined() -> None:
    """A new token in app.css needs `make vendor` to keep it in the pruned themes."""
    app_css = (STATIC / "css" / "app.css").read_text()
    defined = set(DEFINED.findall(app_css))
    defined |= set(DEFINED.findall((STATIC / "themes" / "voorbeeld" / "theme.css").read_text()))
    needed = set(VAR_WITHOUT_FALLBACK.findall(app_css))
    assert sorted(needed - defined) == []
