"""Stemcode letters: one A4 page per code, with the code, a QR code to the ballot and
short instructions in Dutch and the five other languages of the site.

Text is set with fpdf2 and shaped with HarfBuzz (uharfbuzz), in Noto Sans with Noto Sans
Arabic for Arabic (the PyPI packages fontpkg-noto-sans and fontpkg-noto-sans-arabic).
Without those fonts the letters fall back to the PDF core font, which cannot write
Turkish, Polish, Ukrainian or Arabic: they then carry Dutch and English only, and say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import segno
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from fpdf import FPDF

from samenhang.config import LOCALES, RTL_LOCALES

log = logging.getLogger(__name__)

#: The languages of a letter, Dutch first.
LETTER_LOCALES = ("nl", "en", "tr", "ar", "pl", "uk")
LATIN = "NotoSans"
ARABIC = "NotoSansArabic"


@dataclass(frozen=True)
class Letter:
    serial: int
    code: str
    #: Printed in the envelope window; optional, never stored.
    address: str = ""


@dataclass(frozen=True)
class LetterContext:
    round_title: str
    wijk_name: str
    municipality_name: str
    #: The ballot's address, without the code (the QR code adds it).
    vote_url: str
    closes_at: datetime | None = None
    min_age: int | None = None
    #: The first day of voting, printed when the round's schedule has it.
    opens_on: date | None = None
    #: The day counting starts, printed as the closing day when there is no closing time.
    closes_on: date | None = None
    #: The round lets a voter change their vote (with the receipt) until voting closes.
    allows_changes: bool = False


def address_lines(address: str) -> list[str]:
    """An address as typed on one line, its lines separated by "|" with or without spaces
    ("Fam. de Vries|Bloemstraat 3 | 9715 CD Groningen")."""
    return [line.strip() for line in address.split("|") if line.strip()]


@cache
def font_paths() -> tuple[Path, Path] | None:
    """Noto Sans and Noto Sans Arabic, when their packages are installed."""
    try:
        import fontpkg

        latin = Path(fontpkg.path("Noto Sans"))
        arabic = Path(fontpkg.path("Noto Sans Arabic"))
    except Exception:  # the packages are missing or broken: fall back
        log.warning(
            "fontpkg-noto-sans / fontpkg-noto-sans-arabic are not installed: stemcode letters"
            " are printed in Dutch and English only"
        )
        return None
    if not latin.is_file() or not arabic.is_file():
        return None
    return latin, arabic


def _instructions(context: LetterContext) -> str:
    if context.allows_changes:
        intro = _(
            "Vote on projects for {wijk}. Scan the QR code, or go to {url} and type your code."
            " Your vote is secret. You can vote once, and you can change your vote until"
            " voting closes: keep the receipt code you get when you vote."
        )
    else:
        intro = _(
            "Vote on projects for {wijk}. Scan the QR code, or go to {url} and type your code."
            " Your vote is secret. You can vote once."
        )
    parts = [intro.format(wijk=context.wijk_name, url=context.vote_url)]
    if context.opens_on is not None:
        parts.append(
            _("You can vote from {date}.").format(date=format_date(context.opens_on, "d MMMM yyyy"))
        )
    if context.closes_at is not None:
        parts.append(
            _("Voting closes on {date}.").format(
                date=format_datetime(context.closes_at, "d MMMM yyyy, HH:mm")
            )
        )
    elif context.closes_on is not None:
        parts.append(
            _("Voting closes on {date}.").format(date=format_date(context.closes_on, "d MMMM yyyy"))
        )
    if context.min_age:
        parts.append(_("You can vote from the age of {age}.").format(age=context.min_age))
    parts.append(_("Lost this letter? Ask the wijkmanager for a new one."))
    return " ".join(parts)


class _LetterPDF(FPDF):
    def __init__(self, fonts: tuple[Path, Path] | None) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(False)
        self.set_margins(20, 18, 20)
        self.has_fonts = fonts is not None
        if fonts is not None:
            latin, arabic = fonts
            # The variable fonts' default instances (regular); instancing a weight would
            # take seconds per letter run.
            self.add_font(LATIN, "", str(latin))
            self.add_font(ARABIC, "", str(arabic))
        self.set_creator("Samenhang")

    def use(self, size: float, locale: str = "nl") -> None:
        if not self.has_fonts:
            self.set_font("helvetica", "", size)
        elif locale in RTL_LOCALES:
            # Arabic needs HarfBuzz (joining forms) and the bidi algorithm.
            self.set_text_shaping(True)
            self.set_fallback_fonts([LATIN])
            self.set_font(ARABIC, "", size)
        else:
            # Latin and Cyrillic set well without shaping, which costs ~5 ms a line.
            self.set_text_shaping(False)
            self.set_fallback_fonts([ARABIC])
            self.set_font(LATIN, "", size)

    def heading(self, municipality_name: str, wijk_name: str, title: str = "") -> None:
        """The top of every page: the place in small grey type, then the title, if any."""
        width = self.w - self.l_margin - self.r_margin
        self.use(9)
        self.set_text_color(80, 80, 80)
        self.cell(width, 5, f"{municipality_name} · {wijk_name}", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        if title:
            self.use(17)
            self.multi_cell(width, 8, title, new_x="LMARGIN", new_y="NEXT")

    def address(self, lines: Sequence[str]) -> None:
        """The address, where the window of an envelope shows it."""
        self.set_xy(self.l_margin, 45)
        self.use(11)
        self.multi_cell(90, 5.5, "\n".join(lines), new_x="LMARGIN", new_y="NEXT")

    def code_box(self, heading: str, code: str, url: str, number: str, qr_data: str) -> None:
        """The framed box with the code to type, the address to type it at, the letter's
        number and a QR code; what follows is written below it."""
        top = 78
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.6)
        self.rect(self.l_margin, top, self.w - self.l_margin - self.r_margin, 48)
        self.set_xy(self.l_margin + 6, top + 6)
        self.use(12)
        self.cell(100, 6, heading, new_x="LMARGIN", new_y="NEXT")
        self.set_xy(self.l_margin + 6, top + 15)
        self.use(24)
        self.set_char_spacing(1.5)
        self.cell(110, 12, code)
        self.set_char_spacing(0)
        self.set_xy(self.l_margin + 6, top + 31)
        self.use(10)
        self.cell(100, 5, url)
        self.set_xy(self.l_margin + 6, top + 38)
        self.use(9)
        self.cell(100, 5, number)
        _qr(self, qr_data, self.w - self.r_margin - 46, top + 4, 40)
        self.set_xy(self.l_margin, top + 56)


def _qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares (sharp at any print size)."""
    qr = segno.make(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                pdf.rect(
                    x + start * module,
                    y + row_index * module,
                    (col - start) * module,
                    module,
                    style="F",
                )
                start = None


def letters_pdf(
    context: LetterContext,
    letters: Sequence[Letter],
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One page per letter. Called inside an app context (for the translations).
    `progress(done)` hears how many letters are set, every 100 or so."""
    fonts = font_paths()
    pdf = _LetterPDF(fonts)
    locales = LETTER_LOCALES if fonts is not None else ("nl", "en")
    texts = {}
    for locale in locales:
        with force_locale(locale):
            texts[locale] = (
                _instructions(context),
                _("Your stemcode"),
                _("Letter {number}"),
            )
    nl_heading, nl_letter = texts["nl"][1], texts["nl"][2]
    width = pdf.w - pdf.l_margin - pdf.r_margin
    wrapped: dict[str, list[str]] = {}
    for done, letter in enumerate(letters):
        if progress is not None and done and done % 100 == 0:
            progress(done)
        pdf.add_page()
        pdf.heading(context.municipality_name, context.wijk_name, context.round_title)
        if letter.address:
            pdf.address(address_lines(letter.address))
        pdf.code_box(
            nl_heading,
            letter.code,
            context.vote_url,
            nl_letter.format(number=letter.serial),
            f"{context.vote_url}?code={letter.code}",
        )
        for locale in locales:
            rtl = locale in RTL_LOCALES
            align = "R" if rtl else "L"
            pdf.use(10, locale)
            pdf.set_text_color(90, 90, 90)
            pdf.cell(width, 5, LOCALES[locale], align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            if locale not in wrapped:
                # The same text on every letter: break it into lines once (line breaking
                # with shaping is what takes the time).
                wrapped[locale] = pdf.multi_cell(
                    width, 5, texts[locale][0], align=align, dry_run=True, output="LINES"
                )
            for line in wrapped[locale]:
                pdf.cell(width, 5, line, align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output())
