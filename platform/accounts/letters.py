"""Address verification letters: one A4 page per request, with the one-time code, a QR code
to the profile page and short instructions in the six languages of the site.

Made with the stemcode letters' machinery (`samenhang.voting.letters`: fpdf2, HarfBuzz
shaping, Noto fonts, segno QR codes), so both kinds of letter look and print alike. The code
is not in the QR code: it goes to the profile page, where the resident signs in and types it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from samenhang.config import LOCALES, RTL_LOCALES
from samenhang.voting.letters import LETTER_LOCALES, _LetterPDF, font_paths


@dataclass(frozen=True)
class VerificationLetter:
    #: The lines for the envelope window, as the resident wrote them.
    address_lines: list[str]
    code: str
    expires_at: datetime
    #: The request's number, for the wijkmanager's records.
    number: int


def _instructions(profile_url: str, expires_at: datetime) -> str:
    return " ".join(
        [
            _(
                "Someone asked us to confirm that they live at this address, so that they"
                " can vote and apply for money in their wijk."
            ),
            _(
                "Sign in on {url} and type this code under “Your address” on your profile"
                " page. The code works until {date}."
            ).format(url=profile_url, date=format_date(expires_at, "long")),
            _("Did you not ask for this? Then you can throw this letter away."),
        ]
    )


def verification_letters_pdf(
    municipality_name: str,
    wijk_name: str,
    profile_url: str,
    letters: Sequence[VerificationLetter],
) -> bytes:
    """One page per letter. Called inside an app context (for the translations)."""
    fonts = font_paths()
    pdf = _LetterPDF(fonts)
    locales = LETTER_LOCALES if fonts is not None else ("nl", "en")
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for letter in letters:
        texts = {}
        for locale in locales:
            with force_locale(locale):
                texts[locale] = (
                    _instructions(profile_url, letter.expires_at),
                    _("Your code to confirm your address"),
                    _("Request {number}"),
                )
        pdf.add_page()
        pdf.heading(municipality_name, wijk_name)
        pdf.address(letter.address_lines)
        pdf.code_box(
            texts["nl"][1],
            letter.code,
            profile_url,
            texts["nl"][2].format(number=letter.number),
            profile_url,
        )
        for locale in locales:
            align = "R" if locale in RTL_LOCALES else "L"
            pdf.use(10, locale)
            pdf.set_text_color(90, 90, 90)
            pdf.cell(width, 5, LOCALES[locale], align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.multi_cell(width, 5, texts[locale][0], align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output())
