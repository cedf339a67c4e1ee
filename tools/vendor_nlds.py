"""`make vendor`: bring NL Design System CSS into platform/static, as built files, from npm.

Each package is fetched with `npm pack` (a tarball: no node_modules, no Node at run time),
its licence is checked (EUPL-1.2 only), and the CSS this site uses is copied with the
LICENSE into `platform/static/vendor/nlds/<scope>/<package>@<version>/`. From those folders:

- `platform/static/vendor/nlds/nlds.css`, the one stylesheet of components every page loads:
  the class-based CSS (`.utrecht-button`) for the shared layout and form macros, and the
  element CSS (`button`) so that plain HTML in the area templates looks the same;
- `platform/static/themes/<name>/theme.css` for each shipped token package, pruned to the
  design tokens that nlds.css, app.css and the hand-written themes actually read.

Run it after changing a version below or after app.css starts reading a new token (a test
says so). The files it writes are committed; `make run` and `make test` never run it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "platform" / "static"
VENDOR = STATIC / "vendor" / "nlds"
THEMES = STATIC / "themes"
BUNDLE = VENDOR / "nlds.css"
APP_CSS = STATIC / "css" / "app.css"

LICENCE = "EUPL-1.2"
LICENCE_TEXT = "EUROPEAN UNION PUBLIC LICENCE v. 1.2"


@dataclass(frozen=True)
class Component:
    package: str
    version: str
    #: `index`: the class-based CSS (`.utrecht-textbox`); `html`: plain elements (`input`).
    parts: tuple[str, ...] = ("index",)


COMPONENTS = [
    Component("@utrecht/document-css", "3.0.1"),
    Component("@utrecht/skip-link-css", "3.0.1"),
    Component("@utrecht/page-header-css", "3.0.2"),
    Component("@utrecht/page-body-css", "1.0.1"),
    Component("@utrecht/page-footer-css", "4.0.2"),
    Component("@utrecht/link-list-css", "4.0.1"),
    Component("@utrecht/breadcrumb-nav-css", "3.0.1"),
    Component("@utrecht/alert-css", "4.0.2"),
    Component("@utrecht/status-badge-css", "2.0.1"),
    Component("@utrecht/heading-1-css", "3.0.1", ("html",)),
    Component("@utrecht/heading-2-css", "3.0.1", ("html",)),
    Component("@utrecht/heading-3-css", "3.0.1", ("html",)),
    Component("@utrecht/heading-4-css", "3.0.1", ("html",)),
    Component("@utrecht/paragraph-css", "4.0.1", ("index", "html")),
    Component("@utrecht/link-css", "3.0.1", ("index", "html")),
    Component("@utrecht/link-button-css", "3.0.1"),
    Component("@utrecht/unordered-list-css", "3.1.1", ("html",)),
    Component("@utrecht/ordered-list-css", "4.0.1", ("html",)),
    Component("@utrecht/table-css", "3.0.1", ("html",)),
    Component("@utrecht/button-css", "4.0.1", ("index", "html")),
    Component("@utrecht/form-field-css", "3.0.1"),
    Component("@utrecht/form-label-css", "3.0.1", ("index", "html")),
    Component("@utrecht/form-field-description-css", "3.0.1"),
    Component("@utrecht/form-field-error-message-css", "3.0.1"),
    Component("@utrecht/form-fieldset-css", "3.0.1", ("index", "html")),
    Component("@utrecht/textbox-css", "4.0.1", ("index", "html")),
    Component("@utrecht/textarea-css", "4.0.1", ("index", "html")),
    Component("@utrecht/select-css", "3.0.1", ("index", "html")),
    Component("@utrecht/checkbox-css", "3.0.1", ("index", "html")),
    Component("@utrecht/radio-button-css", "3.0.1", ("index", "html")),
]


@dataclass(frozen=True)
class TokenPackage:
    theme: str
    label: str
    package: str
    version: str
    css: str  # the built token file inside the tarball
    base: str | None = None


TOKENS = [
    TokenPackage(
        "voorbeeld",
        "NL Design System (voorbeeld)",
        "@nl-design-system-unstable/voorbeeld-design-tokens",
        "7.4.1",
        "dist/theme.css",
    ),
    # Den Haag publishes its tokens under EUPL-1.2 (checked below, in the tarball itself);
    # Utrecht's and Amsterdam's token packages are proprietary and are never vendored.
    TokenPackage(
        "denhaag",
        "Den Haag",
        "@gemeente-denhaag/design-tokens-components",
        "4.1.0",
        "dist/theme/index.css",
        base="voorbeeld",
    ),
]

TOKEN_LINE = re.compile(r"^\s*(--[\w-]+)\s*:\s*(.*?);\s*(?:/\*.*\*/)?\s*$")
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")


def npm_pack(package: str, version: str, into: Path) -> Path:
    """The unpacked tarball of package@version (its `package/` folder), licence checked."""
    if shutil.which("npm") is None:
        sys.exit("make vendor needs npm (the npm registry's client); the site itself does not")
    name = (
        subprocess.run(
            ["npm", "pack", "--silent", f"{package}@{version}"],
            cwd=into,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    target = into / name.removesuffix(".tgz")
    with tarfile.open(into / name) as tar:
        tar.extractall(target, filter="data")
    unpacked = target / "package"
    declared = json.loads((unpacked / "package.json").read_text())["license"]
    licence = unpacked / "LICENSE.md"
    if declared != LICENCE or not licence.exists() or LICENCE_TEXT not in licence.read_text():
        sys.exit(f"{package}@{version}: licence {declared!r} is not {LICENCE}; not vendored")
    return unpacked


def folder_of(package: str, version: str) -> Path:
    return VENDOR / f"{package.removeprefix('@')}@{version}"


def vendor_components(tmp: Path) -> list[Path]:
    """Copy each component's CSS and licence; return the CSS files in bundle order."""
    files = []
    for component in COMPONENTS:
        source = npm_pack(component.package, component.version, tmp)
        folder = folder_of(component.package, component.version)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / "LICENSE.md", folder / "LICENSE.md")
        shutil.copy(source / "package.json", folder / "package.json")
        for part in component.parts:
            built = source / "dist" / ("index.min.css" if part == "index" else "html/index.min.css")
            target = folder / f"{part}.min.css"
            shutil.copy(built, target)
            files.append(target)
    return files


def write_bundle(files: list[Path]) -> str:
    header = (
        "/* NL Design System components, built CSS from npm (make vendor; tools/vendor_nlds.py).\n"
        " * Licence: EUPL-1.2, see the LICENSE.md beside each package's files. */\n"
    )
    body = "".join(
        f"/* {f.parent.relative_to(VENDOR)} {f.stem} */\n{f.read_text().strip()}\n" for f in files
    )
    BUNDLE.write_text(header + body)
    return body


def token_lines(css: str) -> list[tuple[str, str, str]]:
    """(name, value, line) of every custom property in a built token file."""
    found = []
    for line in css.splitlines():
        match = TOKEN_LINE.match(line)
        if match:
            found.append((match.group(1), match.group(2), line.strip()))
    return found


def prune(css: str, used: set[str]) -> list[str]:
    """The declarations of `css` that `used` reads, directly or through other tokens."""
    tokens = token_lines(css)
    values = {name: value for name, value, _ in tokens}
    keep: set[str] = set()
    todo = [name for name in used if name in values]
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        todo.extend(ref for ref in VAR_USE.findall(values[name]) if ref in values)
    return [line for name, _, line in tokens if name in keep]


def hand_written_themes() -> str:
    shipped = {t.theme for t in TOKENS}
    return "".join(
        p.read_text() for p in sorted(THEMES.glob("*/theme.css")) if p.parent.name not in shipped
    )


def vendor_tokens(tmp: Path, bundle: str) -> None:
    used = set(VAR_USE.findall(bundle + APP_CSS.read_text() + hand_written_themes()))
    for tokens in TOKENS:
        source = npm_pack(tokens.package, tokens.version, tmp)
        declarations = prune((source / tokens.css).read_text(), used)
        folder = THEMES / tokens.theme
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / "LICENSE.md", folder / "LICENSE.md")
        (folder / "theme.css").write_text(
            f"/* {tokens.package}@{tokens.version}, licence EUPL-1.2 (LICENSE.md).\n"
            " * Pruned by make vendor to the tokens this site reads; do not edit by hand. */\n"
            ":root {\n" + "".join(f"  {line}\n" for line in declarations) + "}\n"
        )
        meta = {"label": tokens.label, "source": f"{tokens.package}@{tokens.version}"}
        if tokens.base:
            meta["base"] = tokens.base
        (folder / "theme.json").write_text(json.dumps(meta, indent=2) + "\n")


def main() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        bundle = write_bundle(vendor_components(Path(tmp)))
        vendor_tokens(Path(tmp), bundle)
    print(f"vendored {len(COMPONENTS)} components into {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
