"""What an account may do before its e-mail address is confirmed: one table in
`samenhang.policies`, enforced by the services, and said before the form."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory
from factories.campaigns import CampaignFactory
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.campaigns import services as campaigns
from samenhang.campaigns.models import Pledge, Provider
from samenhang.extensions import db
from samenhang.initiatives.models import Comment, Flag, Follow, State, Support
from samenhang.policies import CONFIRMED_EMAIL_NEEDED, NotVerified, may_act

ACTIONS = ["comment", "support", "flag", "follow", "submit_initiative", "give", "help"]


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_table_names_every_action_that_needs_a_confirmed_address(db_session: Any) -> None:
    unconfirmed, confirmed = UserFactory(email_verified_at=None), UserFactory()
    for action in [*ACTIONS, "challenge"]:
        assert action in CONFIRMED_EMAIL_NEEDED
        assert not may_act(unconfirmed, action), action
        assert may_act(confirmed, action), action
    # Anything not in the table (writing a draft, the profile) is open at once.
    assert may_act(unconfirmed, "write_draft")


def test_an_unconfirmed_account_cannot_comment_support_flag_follow_or_submit(
    client: FlaskClient, login: Any
) -> None:
    initiative = PublishedInitiativeFactory()
    user = UserFactory(email_verified_at=None)
    draft = InitiativeFactory(author=user, wijk=initiative.wijk, state=State.draft)
    login(user)
    client.set_cookie("locale", "en")
    url = f"/initiatives/{initiative.id}"
    before = [_count(m) for m in (Comment, Support, Flag, Follow)]
    for path, data in [
        ("comments", {"body": "Hallo"}),
        ("support", {}),
        ("flag", {"reason": "Spam"}),
        ("follow", {}),
    ]:
        response = client.post(f"{url}/{path}", data=data)
        assert response.status_code == 403, path
        assert "confirm your e-mail" in response.text, path
    assert client.post(f"/initiatives/{draft.id}/submit").status_code == 403
    db.session.expire_all()
    assert [_count(m) for m in (Comment, Support, Flag, Follow)] == before
    assert draft.state is State.draft


def test_the_page_says_so_before_the_form_with_a_resend_button(
    client: FlaskClient, login: Any
) -> None:
    initiative = PublishedInitiativeFactory()
    login(UserFactory(email_verified_at=None))
    client.set_cookie("locale", "en")
    page = client.get(f"/initiatives/{initiative.id}").text
    assert "First confirm your e-mail address" in page
    assert "/verify/resend" in page
    assert f'action="/initiatives/{initiative.id}/comments"' not in page
    assert f'action="/initiatives/{initiative.id}/support"' not in page
    client.post("/signout")
    login(UserFactory())
    page = client.get(f"/initiatives/{initiative.id}").text
    assert "First confirm your e-mail address" not in page
    assert f'action="/initiatives/{initiative.id}/comments"' in page


def test_an_unconfirmed_account_gives_no_money(db_session: Any) -> None:
    campaign = CampaignFactory()
    with pytest.raises(NotVerified):
        campaigns.pledge_money(
            campaign,
            10_00,
            provider=Provider.manual,
            idempotency_key=campaigns.new_idempotency_key(),
            actor=UserFactory(email_verified_at=None),
        )
    assert _count(Pledge) == 0


def test_resending_the_confirmation_is_limited_per_account(
    app: Any, client: FlaskClient, login: Any, outbox: list[Any]
) -> None:
    from samenhang.extensions import limiter

    limiter.reset()
    saved = app.config["RATELIMIT_PASSWORD_RESET"]
    app.config["RATELIMIT_PASSWORD_RESET"] = "5 per hour"
    try:
        login(UserFactory(email_verified_at=None))
        # From ever new addresses: the account's inbox is what is protected.
        answers = [
            client.post("/verify/resend", environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}).status_code
            for i in range(7)
        ]
    finally:
        app.config["RATELIMIT_PASSWORD_RESET"] = saved
        limiter.reset()
    assert answers == [302] * 5 + [429] * 2
    assert len(outbox) == 5
