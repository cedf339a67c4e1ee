"""Themes: a municipality's design tokens, one folder each (see docs/themes.md).

A theme folder holds `theme.css`, CSS custom properties on `:root` with the NL Design System
token names the components read, and optionally `theme.json` (`{"label": "...", "base":
"voorbeeld"}`: a base theme is loaded first, so a theme need only hold what differs) and
`logo.svg`. The shipped themes are in platform/static/themes; a municipality with tokens of
its own drops a folder into `THEMES_DIR` (SAMENHANG_THEMES_DIR), where a folder wins over a
shipped one of the same name. Nothing is cached: a new folder counts at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_THEME = "voorbeeld"
BUILTIN_DIR = Path(__file__).resolve().parent / "static" / "themes"
#: Folder names that are themes: they end up in URLs and in the database.
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
#: A base of a base of ... : more is a loop or a mistake.
MAX_DEPTH = 3


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    folder: Path
    base: str | None
    has_logo: bool


def _read(folder: Path) -> Theme:
    meta_file = folder / "theme.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    except (OSError, ValueError):
        meta = {}
    base = meta.get("base")
    return Theme(
        name=folder.name,
        label=str(meta.get("label") or folder.name),
        folder=folder,
        base=str(base) if base and base != folder.name else None,
        has_logo=(folder / "logo.svg").is_file(),
    )


def _roots(extra_dir: str | Path | None) -> list[Path]:
    """Where themes are looked for, the one that wins first."""
    return [Path(extra_dir), BUILTIN_DIR] if extra_dir else [BUILTIN_DIR]


def find_theme(name: str, extra_dir: str | Path | None) -> Theme | None:
    if not NAME.fullmatch(name):
        return None
    for root in _roots(extra_dir):
        if (root / name / "theme.css").is_file():
            return _read(root / name)
    return None


def available_themes(extra_dir: str | Path | None) -> dict[str, Theme]:
    """Every theme by name, sorted by label."""
    found: dict[str, Theme] = {}
    for root in reversed(_roots(extra_dir)):
        if root.is_dir():
            for folder in root.iterdir():
                if NAME.fullmatch(folder.name) and (folder / "theme.css").is_file():
                    found[folder.name] = _read(folder)
    return dict(sorted(found.items(), key=lambda item: item[1].label.casefold()))


def theme_layers(name: str | None, extra_dir: str | Path | None) -> list[Theme]:
    """The themes whose stylesheets a page loads, base first; the default theme when `name`
    is unknown (a folder removed since the admin chose it)."""
    theme = find_theme(name or DEFAULT_THEME, extra_dir) or find_theme(DEFAULT_THEME, extra_dir)
    layers: list[Theme] = []
    while theme is not None and len(layers) < MAX_DEPTH and theme not in layers:
        layers.insert(0, theme)
        theme = find_theme(theme.base, extra_dir) if theme.base else None
    return layers
