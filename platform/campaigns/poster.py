"""The shop-window poster of a campaign: A4 or A3, its figures and a QR code to its page,
in the campaign's own language and the reader's (fpdf2 with HarfBuzz shaping for Arabic,
the Noto fonts of the stemcode letters; Dutch and English only without them)."""

from __future__ import annotations

import io

import segno
from babel.numbers import format_percent
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from fpdf import FPDF

from samenhang.campaigns.models import Campaign
from samenhang.campaigns.queries import CampaignSummary
from samenhang.config import LOCALES, RTL_LOCALES
from samenhang.i18n import format_money
from samenhang.voting.letters import font_paths

LATIN = "NotoSans"
ARABIC = "NotoSansArabic"
#: Millimetres of the page scaled from A4; A3 is the same poster, larger.
SCALES = {"A4": 1.0, "A3": 2**0.5}


class _PosterPDF(FPDF):
    def __init__(self, size: str) -> None:
        super().__init__(format=size)
        self.set_auto_page_break(False)
        self.scale = SCALES[size]
        margin = 18 * self.scale
        self.set_margins(margin, margin, margin)
        fonts = font_paths()
        self.has_fonts = fonts is not None
        if fonts is not None:
            self.add_font(LATIN, "", str(fonts[0]))
            self.add_font(ARABIC, "", str(fonts[1]))
            # A few lines only: shaping everything costs nothing worth saving here.
            self.set_text_shaping(True)
        self.set_creator("Samenhang")

    def write_in(self, locale: str, size: float, text: str, height: float) -> None:
        rtl = locale in RTL_LOCALES
        if not self.has_fonts:
            self.set_font("helvetica", "", size * self.scale)
        else:
            self.set_font(ARABIC if rtl else LATIN, "", size * self.scale)
            self.set_fallback_fonts([LATIN if rtl else ARABIC])
        width = self.w - self.l_margin - self.r_margin
        self.multi_cell(
            width,
            height * self.scale,
            text,
            align="R" if rtl else "L",
            new_x="LMARGIN",
            new_y="NEXT",
        )


def _texts(campaign: Campaign, figures: CampaignSummary, locale: str) -> dict[str, str]:
    with force_locale(locale):
        raised = format_money(figures.raised_cents, campaign.currency, locale)
        goal = format_money(campaign.goal_cents, campaign.currency, locale)
        lines = [
            _("{raised} raised of {goal}").format(raised=raised, goal=goal),
            _("{percent} of the goal").format(
                percent=format_percent(figures.percent / 100, locale=locale)
            ),
            ngettext("%(num)d supporter", "%(num)d supporters", figures.supporters),
        ]
        if figures.tasks_total:
            lines.append(
                ngettext(
                    "%(filled)d of %(num)d task filled",
                    "%(filled)d of %(num)d tasks filled",
                    figures.tasks_total,
                    filled=figures.tasks_filled,
                )
            )
        if not campaign.is_closed:
            lines.append(ngettext("%(num)d day left", "%(num)d days left", figures.days_left))
        return {
            "call": _("Help make this happen in {wijk}!").format(wijk=campaign.wijk.name),
            "figures": " · ".join(lines),
            "how": _(
                "Scan the QR code with your phone to give money, or to help with time,"
                " materials or space."
            ),
        }


def _progress_bar(pdf: _PosterPDF, figures: CampaignSummary) -> None:
    """Black on white, with the percentage written beside it: readable without colour."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    height = 8 * pdf.scale
    x, y = pdf.l_margin, pdf.get_y() + 2 * pdf.scale
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.6 * pdf.scale)
    pdf.rect(x, y, width, height)
    filled = width * min(figures.percent, 100) / 100
    if filled > 0:
        pdf.set_fill_color(0, 0, 0)
        pdf.rect(x, y, filled, height, style="F")
    pdf.set_y(y + height + 4 * pdf.scale)


def poster_pdf(
    campaign: Campaign, figures: CampaignSummary, url: str, *, reader_locale: str, size: str = "A4"
) -> bytes:
    pdf = _PosterPDF(size)
    pdf.add_page()
    locales = [campaign.original_locale]
    if reader_locale not in locales and reader_locale in LOCALES:
        locales.append(reader_locale)
    if not pdf.has_fonts:
        locales = [loc for loc in locales if loc in ("nl", "en")] or ["nl"]
    texts = {locale: _texts(campaign, figures, locale) for locale in locales}
    first = locales[0]
    pdf.set_text_color(80, 80, 80)
    pdf.write_in(first, 11, f"{campaign.wijk.municipality.name} · {campaign.wijk.name}", 6)
    pdf.set_text_color(0, 0, 0)
    pdf.write_in(first, 26, campaign.title, 12)
    pdf.ln(2 * pdf.scale)
    pdf.write_in(first, 15, texts[first]["call"], 8)
    _progress_bar(pdf, figures)
    for locale in locales:
        pdf.write_in(locale, 13, texts[locale]["figures"], 7)
    qr_size = 80 * pdf.scale
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    pdf.image(buffer, x=(pdf.w - qr_size) / 2, y=pdf.get_y() + 6 * pdf.scale, w=qr_size)
    pdf.set_y(pdf.get_y() + qr_size + 10 * pdf.scale)
    pdf.write_in("en", 11, url, 6)
    pdf.ln(4 * pdf.scale)
    for locale in locales:
        pdf.set_text_color(90, 90, 90)
        pdf.write_in(locale, 10, LOCALES[locale], 5)
        pdf.set_text_color(0, 0, 0)
        pdf.write_in(locale, 13, texts[locale]["how"], 7)
        pdf.ln(2 * pdf.scale)
    return bytes(pdf.output())
