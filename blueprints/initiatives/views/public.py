"""What residents see and do: the lists and feeds, an initiative's page, writing one, photos,
support, following, comments and reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.caching import shared_page
from samenhang.blueprints.files import send_stored
from samenhang.blueprints.forms import render_form, render_form_error
from samenhang.blueprints.guards import bounded_int
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.initiatives.forms import (
    CommentForm,
    FilterForm,
    FlagForm,
    InitiativeForm,
    PhotoForm,
    RealisedForm,
)
from samenhang.blueprints.places.views import get_municipality_or_404, get_wijk_or_404
from samenhang.content.queries import localize, localize_many
from samenhang.extensions import db
from samenhang.i18n import current_locale
from samenhang.initiatives import queries, services
from samenhang.initiatives.models import Comment, HelpKind, Initiative, Photo, State, Theme
from samenhang.policies import (
    can_report_realised,
    can_see_initiative_photos,
    can_view_initiative,
    require,
    require_author,
)
from samenhang.uploads import PAGE_WIDTHS, image_key

View = str | Response | tuple[str, int]


def get_initiative_or_404(initiative_id: int) -> Initiative:
    initiative = queries.get_initiative(initiative_id)
    if initiative is None or not can_view_initiative(current_user, initiative):
        abort(404)
    return initiative


def page_number() -> int:
    return bounded_int(request.args.get("page"), 1)


def back_to(initiative: Initiative, anchor: str = "") -> Response:
    return redirect(url_for("initiatives.show", initiative_id=initiative.id) + anchor)


# --- lists and feeds ----------------------------------------------------------------------


def _criteria(form: FilterForm, **scope: Any) -> queries.InitiativeFilter:
    return queries.InitiativeFilter(
        themes=[Theme(form.theme.data)] if form.theme.data else [],
        states=[State(form.state.data)] if form.state.data else [],
        help_asked=[HelpKind(form.help.data)] if form.help.data else [],
        query=form.q.data or "",
        **scope,
    )


def _list(template_scope: dict[str, Any], scope: dict[str, Any]) -> View:
    form = FilterForm(request.args)
    if not form.validate():
        return render_form_error("initiatives/list.html", form=form, page=None, **template_scope)
    page = queries.public_initiatives(_criteria(form, **scope), page_number())
    return render_template(
        "initiatives/list.html",
        form=form,
        page=page,
        supports=queries.support_counts(page.items),
        localized=localize_many(page.items, current_locale()),
        **template_scope,
    )


@shared_page
def wijk_list(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    return _list({"wijk": wijk, "municipality": wijk.municipality}, {"wijk": wijk})


@shared_page
def municipality_list(municipality_slug: str) -> View:
    municipality = get_municipality_or_404(municipality_slug)
    return _list({"wijk": None, "municipality": municipality}, {"municipality": municipality})


def _feed(title: str, scope: dict[str, Any], html_url: str) -> Response:
    """An Atom feed in the reader's language (`xml:lang`) that links to its HTML list."""
    page = queries.public_initiatives(queries.InitiativeFilter(**scope), 1, 50)
    xml = render_template(
        "initiatives/feed.xml",
        title=title,
        items=page.items,
        self_url=request.url,
        html_url=html_url,
    )
    return Response(xml, mimetype="application/atom+xml")


def wijk_feed(municipality_slug: str, wijk_slug: str) -> Response:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    html_url = url_for(
        "initiatives.wijk_list",
        municipality_slug=municipality_slug,
        wijk_slug=wijk_slug,
        _external=True,
    )
    return _feed(wijk.name, {"wijk": wijk}, html_url)


def municipality_feed(municipality_slug: str) -> Response:
    municipality = get_municipality_or_404(municipality_slug)
    html_url = url_for(
        "initiatives.municipality_list", municipality_slug=municipality_slug, _external=True
    )
    return _feed(municipality.name, {"municipality": municipality}, html_url)


@login_required
def mine() -> str:
    return render_template(
        "initiatives/mine.html", initiatives=queries.initiatives_of(current_user)
    )


# --- one initiative -----------------------------------------------------------------------


@shared_page
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
        # A form makes the session's CSRF token as it is made: only for who may use it, so
        # that a visitor's page stays shareable (blueprints/caching.py).
        comment_form=CommentForm() if user else None,
        flag_form=FlagForm() if user else None,
        photo_form=PhotoForm() if user else None,
        realised_form=RealisedForm() if user else None,
    )


def photo_file(name: str, width: int) -> Response:
    """A photo of a public initiative is public (cached a month, by anyone); one of a draft,
    one in review or a refused one only for who may see the initiative, privately cached.
    Anyone else learns nothing, not even that the file exists."""
    key = image_key("initiatives", name, width) if width in PAGE_WIDTHS else None
    photo = queries.photo_by_name(name) if key is not None else None
    if key is None or photo is None:
        abort(404)
    initiative = photo.initiative
    if initiative.is_public:
        return send_stored(key, mimetype="image/jpeg", max_age=60 * 60 * 24 * 30)
    if not can_see_initiative_photos(current_user, initiative):
        abort(404)
    response = send_stored(key, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


# --- writing an initiative ----------------------------------------------------------------


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
        with form_errors(form):
            initiative = services.create_initiative(wijk, _form_data(form), actor=current_user)
            flash(_("Your draft is saved. Add photos, then send it to the wijkmanager."), "success")
            return back_to(initiative)
    context = {"form": form, "wijk": wijk, "initiative": None}
    return render_form(form, "initiatives/edit.html", **context)


@login_required
def edit(initiative_id: int) -> View:
    initiative = get_initiative_or_404(initiative_id)
    require_author(current_user, initiative)
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
        with form_errors(form):
            services.update_initiative(initiative, _form_data(form), actor=current_user)
            flash(_("Your changes are saved."), "success")
            return back_to(initiative)
    context = {"form": form, "wijk": initiative.wijk, "initiative": initiative}
    return render_form(form, "initiatives/edit.html", **context)


@login_required
def add_photo(initiative_id: int) -> Response:
    initiative = get_initiative_or_404(initiative_id)
    require_author(current_user, initiative)
    form = PhotoForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return back_to(initiative, "#photos")
    with flash_errors():
        services.add_photo(
            initiative, form.photo.data.stream, form.alt_text.data, actor=current_user
        )
        flash(_("The photo is added."), "success")
    return back_to(initiative, "#photos")


@login_required
def remove_photo(initiative_id: int, photo_id: int) -> Response:
    initiative = get_initiative_or_404(initiative_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.initiative_id != initiative.id:
        abort(404)
    with flash_errors():
        services.remove_photo(photo, actor=current_user)
        flash(_("The photo is removed."), "success")
    return back_to(initiative, "#photos")


@login_required
def submit(initiative_id: int) -> Response:
    initiative = get_initiative_or_404(initiative_id)
    with flash_errors():
        services.submit_initiative(initiative, actor=current_user)
        flash(_("Sent. The wijkmanager will look at your initiative."), "success")
    return back_to(initiative)


@login_required
def realise(initiative_id: int) -> Response:
    initiative = get_initiative_or_404(initiative_id)
    require(can_report_realised(current_user, initiative))
    form = RealisedForm()
    if not form.validate_on_submit():
        flash(_("Please write a short report."), "error")
        return back_to(initiative)
    with flash_errors():
        services.mark_realised(initiative, form.report.data, actor=current_user)
        flash(_("Well done! The initiative is marked as realised."), "success")
    return back_to(initiative)


# --- support, following, comments and reports ---------------------------------------------


def _support_button(initiative_id: int, act: Callable[..., object], done: str) -> Response:
    """The support and follow buttons: do it, say so, and back to the buttons."""
    initiative = get_initiative_or_404(initiative_id)
    with flash_errors():
        act(initiative, actor=current_user)
        flash(done, "success")
    return back_to(initiative, "#support")


@login_required
def support(initiative_id: int) -> Response:
    done = _("Thank you for your support.")
    return _support_button(initiative_id, services.support_initiative, done)


@login_required
def unsupport(initiative_id: int) -> Response:
    done = _("Your support is withdrawn.")
    return _support_button(initiative_id, services.withdraw_support, done)


@login_required
def follow(initiative_id: int) -> Response:
    done = _("You follow this initiative. We send you an e-mail when it changes.")
    return _support_button(initiative_id, services.follow_initiative, done)


@login_required
def unfollow(initiative_id: int) -> Response:
    done = _("You no longer follow this initiative.")
    return _support_button(initiative_id, services.unfollow_initiative, done)


def _comment_or_none(initiative: Initiative, raw_id: str | None) -> Comment | None:
    if not raw_id:
        return None
    comment = db.session.get(Comment, int(raw_id)) if raw_id.isdigit() else None
    if comment is None or comment.initiative_id != initiative.id:
        abort(400)
    return comment


@login_required
def comment(initiative_id: int) -> Response:
    initiative = get_initiative_or_404(initiative_id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("Please write a comment (at most 2000 characters)."), "error")
        return back_to(initiative, "#comments")
    parent = _comment_or_none(initiative, form.parent_id.data)
    with flash_errors():
        services.add_comment(initiative, form.body.data, parent, actor=current_user)
        flash(_("Your comment is placed."), "success")
    return back_to(initiative, "#comments")


@login_required
def flag(initiative_id: int) -> Response:
    initiative = get_initiative_or_404(initiative_id)
    form = FlagForm()
    if not form.validate_on_submit():
        flash(_("Please tell us what is wrong."), "error")
        return back_to(initiative)
    target = _comment_or_none(initiative, form.comment_id.data)
    with flash_errors():
        services.flag_content(initiative, form.reason.data, target, actor=current_user)
        flash(_("Thank you. A wijkmanager will look at it."), "success")
    return back_to(initiative)
