from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.forms import render_form, render_form_error
from samenhang.blueprints.initiatives.forms import (
    HELP_LABELS,
    THEME_LABELS,
    CommentForm,
    FilterForm,
    FlagForm,
    HideCommentForm,
    InitiativeForm,
    PhotoForm,
    RealisedForm,
    ReasonForm,
)
from samenhang.blueprints.places.views import get_municipality_or_404, get_wijk_or_404
from samenhang.config import LOCALES
from samenhang.content.queries import localize, translation_queue
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.i18n import current_locale
from samenhang.initiatives import queries, services
from samenhang.initiatives.models import Comment, HelpKind, Initiative, Photo, State, Theme
from samenhang.initiatives.reasons import REASON_TEMPLATES
from samenhang.policies import can_manage
from samenhang.text import word_diff
from samenhang.uploads import PAGE_WIDTHS, image_path

View = str | Response | tuple[str, int]


def can_view(initiative: Initiative) -> bool:
    return (
        initiative.is_viewable
        or (current_user.is_authenticated and current_user.id == initiative.author_id)
        or can_manage(current_user, initiative.wijk)
    )


def get_initiative_or_404(initiative_id: int) -> Initiative:
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not can_view(initiative):
        abort(404)
    return initiative


def _require_author(initiative: Initiative) -> None:
    if not current_user.is_authenticated or current_user.id != initiative.author_id:
        abort(403)


def _require_manager(initiative: Initiative) -> None:
    if not can_manage(current_user, initiative.wijk):
        abort(403)


def _criteria(form: FilterForm, **scope: Any) -> queries.InitiativeFilter:
    return queries.InitiativeFilter(
        themes=[Theme(form.theme.data)] if form.theme.data else [],
        states=[State(form.state.data)] if form.state.data else [],
        help_asked=[HelpKind(form.help.data)] if form.help.data else [],
        query=form.q.data or "",
        **scope,
    )


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _list(template_scope: dict[str, Any], scope: dict[str, Any]) -> View:
    form = FilterForm(request.args)
    if not form.validate():
        return render_form_error("initiatives/list.html", form=form, page=None, **template_scope)
    page = queries.public_initiatives(_criteria(form, **scope), _page_number())
    return render_template(
        "initiatives/list.html",
        form=form,
        page=page,
        supports=queries.support_counts(page.items),
        localized={i.id: localize(i, current_locale()) for i in page.items},
        theme_labels=THEME_LABELS,
        **template_scope,
    )


def wijk_list(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    return _list({"wijk": wijk, "municipality": wijk.municipality}, {"wijk": wijk})


def municipality_list(municipality_slug: str) -> View:
    municipality = get_municipality_or_404(municipality_slug)
    return _list({"wijk": None, "municipality": municipality}, {"municipality": municipality})


def _feed(title: str, scope: dict[str, Any], self_url: str) -> Response:
    page = queries.public_initiatives(queries.InitiativeFilter(**scope), 1, 50)
    xml = render_template("initiatives/feed.xml", title=title, items=page.items, self_url=self_url)
    return Response(xml, mimetype="application/atom+xml")


def wijk_feed(municipality_slug: str, wijk_slug: str) -> Response:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    return _feed(wijk.name, {"wijk": wijk}, request.url)


def municipality_feed(municipality_slug: str) -> Response:
    municipality = get_municipality_or_404(municipality_slug)
    return _feed(municipality.name, {"municipality": municipality}, request.url)


def _form_data(form: InitiativeForm) -> services.InitiativeData:
    return services.InitiativeData(
        title=form.title.data,
        summary=form.summary.data,
        description=form.description.data,
        public_name=form.public_name.data,
        original_locale=form.original_locale.data,
        themes=[Theme(t) for t in form.themes.data],
        help_asked=[HelpKind(k) for k in form.help_asked.data or []],
        budget_lines=[
            (line.form.description.data or "", line.form.amount.data or 0)
            for line in form.budget_lines
            if line.form.description.data
        ],
        address=form.address.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


@login_required
def create(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    form = InitiativeForm(public_name=current_user.display_name, original_locale=current_locale())
    if form.validate_on_submit():
        try:
            initiative = services.create_initiative(current_user, wijk, _form_data(form))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your draft is saved. Add photos, then send it to the wijkmanager."), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative.id))
    context = {"form": form, "wijk": wijk, "initiative": None}
    return render_form(form, "initiatives/edit.html", **context)


@login_required
def edit(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    _require_author(initiative)
    form = InitiativeForm(obj=initiative)
    if not form.is_submitted():
        form.themes.data = [t.value for t in initiative.theme_values]
        form.help_asked.data = [k.value for k in initiative.help_values]
        for entry, line in zip(form.budget_lines, initiative.budget_lines, strict=False):
            entry.form.description.data = line.description
            entry.form.amount.data = line.amount
        while len(form.budget_lines) < len(initiative.budget_lines) + 2:
            form.budget_lines.append_entry()
    if form.validate_on_submit():
        try:
            services.update_initiative(current_user, initiative, _form_data(form))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative.id))
    context = {"form": form, "wijk": initiative.wijk, "initiative": initiative}
    return render_form(form, "initiatives/edit.html", **context)


def show(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    original = request.args.get("original") == "1"
    user = current_user if current_user.is_authenticated else None
    return render_template(
        "initiatives/show.html",
        initiative=initiative,
        text=localize(initiative, current_locale(), original=original),
        showing_original=original,
        supporters=queries.support_counts([initiative]).get(initiative.id, 0),
        has_supported=queries.has_supported(user, initiative),
        is_following=queries.is_following(user, initiative),
        comments=queries.top_level_comments(initiative),
        comment_form=CommentForm(),
        flag_form=FlagForm(),
        photo_form=PhotoForm(),
        realised_form=RealisedForm(),
        theme_labels=THEME_LABELS,
        help_labels=HELP_LABELS,
        is_author=user is not None and user.id == initiative.author_id,
        is_manager=can_manage(current_user, initiative.wijk),
    )


def _back(initiative: Initiative, anchor: str = "") -> Response:
    return redirect(url_for("initiatives.show", initiative_id=initiative.id) + anchor)


def _run(initiative: Initiative, action: Any, success: str, anchor: str = "") -> Response:
    """Call a service; show its error or the success message, and go back to the page."""
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(success, "success")
    return _back(initiative, anchor)


@login_required
def add_photo(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    _require_author(initiative)
    form = PhotoForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return _back(initiative, "#photos")
    return _run(
        initiative,
        lambda: services.add_photo(
            current_user, initiative, form.photo.data.stream, form.alt_text.data
        ),
        _("The photo is added."),
        "#photos",
    )


@login_required
def remove_photo(initiative_id: int, photo_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    _require_author(initiative)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.initiative_id != initiative.id:
        abort(404)
    return _run(
        initiative,
        lambda: services.remove_photo(current_user, photo),
        _("The photo is removed."),
        "#photos",
    )


def photo_file(name: str, width: int) -> Response:
    path = image_path("initiatives", name, width) if width in PAGE_WIDTHS else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=60 * 60 * 24 * 30)


@login_required
def submit(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    _require_author(initiative)
    return _run(
        initiative,
        lambda: services.submit_initiative(current_user, initiative),
        _("Sent. The wijkmanager will look at your initiative."),
    )


@login_required
def support(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    return _run(
        initiative,
        lambda: services.support_initiative(current_user, initiative),
        _("Thank you for your support."),
        "#support",
    )


@login_required
def unsupport(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    return _run(
        initiative,
        lambda: services.withdraw_support(current_user, initiative),
        _("Your support is withdrawn."),
        "#support",
    )


@login_required
def follow(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    return _run(
        initiative,
        lambda: services.follow_initiative(current_user, initiative),
        _("You follow this initiative. We send you an e-mail when it changes."),
        "#support",
    )


@login_required
def unfollow(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    return _run(
        initiative,
        lambda: services.unfollow_initiative(current_user, initiative),
        _("You no longer follow this initiative."),
        "#support",
    )


def _comment_or_none(initiative: Initiative, raw_id: str | None) -> Comment | None:
    if not raw_id:
        return None
    comment = db.session.get(Comment, int(raw_id)) if raw_id.isdigit() else None
    if comment is None or comment.initiative_id != initiative.id:
        abort(400)
    return comment


@login_required
def comment(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("Please write a comment (at most 2000 characters)."), "error")
        return _back(initiative, "#comments")
    parent = _comment_or_none(initiative, form.parent_id.data)
    return _run(
        initiative,
        lambda: services.add_comment(current_user, initiative, form.body.data, parent),
        _("Your comment is placed."),
        "#comments",
    )


@login_required
def flag(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    form = FlagForm()
    if not form.validate_on_submit():
        flash(_("Please tell us what is wrong."), "error")
        return _back(initiative)
    target = _comment_or_none(initiative, form.comment_id.data)
    return _run(
        initiative,
        lambda: services.flag_content(current_user, initiative, form.reason.data, target),
        _("Thank you. A wijkmanager will look at it."),
    )


@login_required
def hide_comment(comment_id: int) -> View:
    found = db.session.get(Comment, comment_id)
    if found is None:
        abort(404)
    _require_manager(found.initiative)
    form = HideCommentForm()
    if not form.validate_on_submit():
        flash(_("Please write the reasons. The initiator and the public see them."), "error")
        return _back(found.initiative, "#comments")
    return _run(
        found.initiative,
        lambda: services.hide_comment(current_user, found, form.reason.data),
        _("The comment is hidden."),
        "#comments",
    )


@login_required
def realise(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    form = RealisedForm()
    if not form.validate_on_submit():
        flash(_("Please write a short report."), "error")
        return _back(initiative)
    return _run(
        initiative,
        lambda: services.mark_realised(current_user, initiative, form.report.data),
        _("Well done! The initiative is marked as realised."),
    )


@login_required
def mine() -> str:
    return render_template(
        "initiatives/mine.html", initiatives=queries.initiatives_of(current_user)
    )


# Moderation


def _require_wijk_manager(wijk: Any) -> None:
    if not current_user.is_authenticated:
        abort(401)
    if not can_manage(current_user, wijk):
        abort(403)


@login_required
def moderation(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    _require_wijk_manager(wijk)
    queue = request.args.get("queue", "submitted")
    if queue not in queries.QUEUES:
        abort(404)
    query = request.args.get("q", "")[:100]
    wanted = translation_queue(wijk.id)
    return render_template(
        "initiatives/moderation.html",
        wijk=wijk,
        queue=queue,
        query=query,
        page=queries.moderation_queue(wijk, queue, query, _page_number()),
        counts=queries.queue_counts(wijk),
        wanted_translations=wanted,
        wanted_titles=queries.titles_by_id(
            {w.object_id for w in wanted if w.object_type == Initiative.__tablename__}
        ),
        locale_names=LOCALES,
    )


@login_required
def decide(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    _require_manager(initiative)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.decide_initiative(
                current_user, initiative, form.decision.data, form.reason.data or ""
            )
        except DomainError as exc:
            form.reason.errors.append(str(exc))
        else:
            flash(_("The decision is saved and published."), "success")
            return redirect(
                url_for(
                    "initiatives.moderation",
                    municipality_slug=initiative.wijk.municipality.slug,
                    wijk_slug=initiative.wijk.slug,
                )
            )
    revisions = initiative.revisions
    changes = None
    if len(revisions) >= 2:
        old, new = revisions[-2], revisions[-1]
        changes = {
            _("Title"): word_diff(old.title, new.title),
            _("Summary"): word_diff(old.summary, new.summary),
            _("Description"): word_diff(old.description, new.description),
            _("Budget"): word_diff(old.budget, new.budget),
        }
    author_locale = initiative.author.locale or initiative.original_locale
    with force_locale(author_locale):
        templates = [str(t) for t in REASON_TEMPLATES]
    context = {
        "initiative": initiative,
        "form": form,
        "changes": changes,
        "flags": queries.open_flags(initiative),
        "reason_templates": templates,
        "author_locale_name": LOCALES.get(author_locale, author_locale),
        "theme_labels": THEME_LABELS,
    }
    return render_form(form, "initiatives/decide.html", **context)


@login_required
def dismiss_flags(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    _require_manager(initiative)
    return _run(
        initiative,
        lambda: services.dismiss_flags(current_user, initiative),
        _("The reports are closed."),
    )


def moderation_log(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    page = queries.moderation_log(wijk, _page_number())
    ids = {int(e.object_id) for e in page.items if e.object_type == "initiatives"}
    return render_template(
        "initiatives/moderation_log.html", wijk=wijk, page=page, titles=queries.titles_by_id(ids)
    )
