"""A key share on paper: one A4 page for one holder, with the share as text (to type at
the count) and as a QR code (to check it with a phone), the round and the key's
fingerprint. Made from the share the wijkmanager's browser posts back: nothing is stored.
In the reader's language (the wijkmanager's), set like the stemcode letters."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from samenhang.voting.letters import _LetterPDF, _qr, font_paths
from samenhang.voting.sealing import HOLDERS, QUORUM, Share


@dataclass(frozen=True)
class ShareContext:
    round_title: str
    wijk_name: str
    municipality_name: str
    #: Who holds this share, in words ("the wijkmanager", ...).
    holder: str


def key_share_pdf(context: ShareContext, share: Share) -> bytes:
    """One page; called inside an app context (for the translations)."""
    pdf = _LetterPDF(font_paths())
    pdf.set_title(_("Key share {number}").format(number=share.index))
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.add_page()
    pdf.heading(context.municipality_name, context.wijk_name, context.round_title)
    pdf.ln(3)
    pdf.use(13)
    pdf.multi_cell(
        width,
        7,
        _("Key share {number} of {holders}, for {holder}").format(
            number=share.index, holders=HOLDERS, holder=context.holder
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    top = pdf.get_y() + 4
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin, top, width, 62)
    _qr(pdf, share.text, pdf.l_margin + 6, top + 6, 50)
    pdf.set_xy(pdf.l_margin + 62, top + 8)
    pdf.use(10)
    pdf.cell(90, 5, _("Key fingerprint: {fingerprint}").format(fingerprint=share.fingerprint))
    pdf.set_xy(pdf.l_margin + 62, top + 18)
    pdf.use(14)
    # The share in lines of three groups, as it is typed at the count.
    parts = share.text.split("-")
    lines = ["-".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]
    for line in lines:
        pdf.set_x(pdf.l_margin + 62)
        pdf.cell(100, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, top + 70)
    pdf.use(11)
    for text in (
        _(
            "The online votes of this round are sealed. To count them, {quorum} of the"
            " {holders} holders type their key share on the count page. Nobody can count"
            " the online votes with one share alone."
        ).format(quorum=QUORUM, holders=HOLDERS),
        _(
            "Keep this paper safe and apart from the other shares. Do not copy it, photograph"
            " it or send it. If it is lost, tell the wijkmanager: with two shares lost the"
            " online votes can never be counted and the round must be annulled."
        ),
        _(
            "After the results are published, destroy this paper: with two shares and an"
            " old copy of the database someone could still see how people voted."
        ),
    ):
        pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())
