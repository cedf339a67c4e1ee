"""What a wijkmanager does: the moderation queue, decisions with reasons, reports and hidden
comments; and the public log of all of it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from samenhang.audit.public_log import describe
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.initiatives.forms import HideCommentForm, ReasonForm
from samenhang.blueprints.initiatives.public_log import about
from samenhang.blueprints.initiatives.views.public import (
    View,
    back_to,
    get_initiative_or_404,
    page_number,
)
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.config import LOCALES
from samenhang.content.queries import translation_queue
from samenhang.extensions import db
from samenhang.i18n import language_name
from samenhang.initiatives import queries, services
from samenhang.initiatives.models import Comment, Initiative
from samenhang.initiatives.queries import Queue
from samenhang.initiatives.reasons import REASON_TEMPLATES
from samenhang.policies import require_manager, require_visible
from samenhang.text import word_diff


@login_required
def moderation(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    name = request.args.get("queue", Queue.submitted.value)
    require_visible(name in set(Queue))
    queue, query = Queue(name), request.args.get("q", "")[:100]
    wanted = translation_queue(wijk.id)
    return render_template(
        "initiatives/moderation.html",
        wijk=wijk,
        queue=queue,
        query=query,
        page=queries.moderation_queue(wijk, queue, query, page_number()),
        counts=queries.queue_counts(wijk),
        wanted_translations=wanted,
        wanted_titles=queries.titles_by_id(
            {w.object_id for w in wanted if w.object_type == Initiative.__tablename__}
        ),
    )


def _changes(initiative: Initiative) -> dict[str, Markup] | None:
    """What the initiator changed between the last two times they sent it."""
    if len(initiative.revisions) < 2:
        return None
    old, new = initiative.revisions[-2:]
    return {
        _("Title"): word_diff(old.title, new.title),
        _("Summary"): word_diff(old.summary, new.summary),
        _("Description"): word_diff(old.description, new.description),
        _("Budget"): word_diff(old.budget, new.budget),
    }


@login_required
def decide(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    require_manager(current_user, initiative.wijk)
    form = ReasonForm()
    if form.validate_on_submit():
        with form_errors(form, "reason"):
            services.decide_initiative(
                initiative, form.decision.data, form.reason.data or "", actor=current_user
            )
            flash(_("The decision is saved and published."), "success")
            wijk = initiative.wijk
            return redirect(
                url_for(
                    "initiatives.moderation",
                    municipality_slug=wijk.municipality.slug,
                    wijk_slug=wijk.slug,
                )
            )
    author_locale = initiative.author.locale or initiative.original_locale
    with force_locale(author_locale):
        templates = [str(t) for t in REASON_TEMPLATES]
    context = {
        "initiative": initiative,
        "form": form,
        "changes": _changes(initiative),
        "flags": queries.open_flags(initiative),
        "reason_templates": templates,
        "author_locale_name": language_name(author_locale)
        if author_locale in LOCALES
        else author_locale,
    }
    return render_form(form, "initiatives/decide.html", **context)


@login_required
def dismiss_flags(initiative_id: int) -> Response:
    initiative = get_initiative_or_404(initiative_id)
    with flash_errors():
        services.dismiss_flags(initiative, actor=current_user)
        flash(_("The reports are closed."), "success")
    return back_to(initiative)


@login_required
def hide_comment(comment_id: int) -> Response:
    found = db.session.get(Comment, comment_id)
    if found is None:
        abort(404)
    initiative = found.initiative
    require_manager(current_user, initiative.wijk)
    form = HideCommentForm()
    if not form.validate_on_submit():
        flash(_("Please write the reasons. The initiator and the public see them."), "error")
        return back_to(initiative, "#comments")
    with flash_errors():
        services.hide_comment(found, form.reason.data, actor=current_user)
        flash(_("The comment is hidden."), "success")
    return back_to(initiative, "#comments")


def moderation_log(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    page = queries.moderation_log(wijk, page_number())
    rows = [(entry, describe(entry), about(entry)) for entry in page.items]
    return render_template("initiatives/moderation_log.html", wijk=wijk, page=page, rows=rows)
