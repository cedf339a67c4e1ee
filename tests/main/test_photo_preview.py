"""Photo forms show the chosen photo before it is sent (issue 13, progressive enhancement):
a deferred, self-hosted script under the strict CSP, only where the form is, and the form
unchanged without JavaScript (an ordinary multipart POST)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from factories.campaigns import CampaignFactory
from factories.initiatives import InitiativeFactory
from flask.testing import FlaskClient

SCRIPT = re.compile(r'<script src="/static/js/photo-preview\.js\?v=[0-9a-f]+" defer></script>')


def _initiative(db_session: Any) -> tuple[str, Any]:
    initiative = InitiativeFactory()
    return f"/initiatives/{initiative.id}", initiative.author


def _campaign(db_session: Any) -> tuple[str, Any]:
    campaign = CampaignFactory()
    return f"/campaigns/{campaign.id}/manage", campaign.initiator


@pytest.mark.parametrize("make", [_initiative, _campaign], ids=["initiative", "campaign"])
def test_the_photo_form_previews_the_chosen_photo_with_a_self_hosted_script(
    client: FlaskClient, login: Any, db_session: Any, make: Any
) -> None:
    url, owner = make(db_session)
    assert not SCRIPT.search(client.get(url).text)  # not for who cannot add photos
    login(owner)
    page = client.get(url)
    assert page.status_code == 200 and SCRIPT.search(page.text)
    assert "<script>" not in page.text
    form = re.search(r"<form[^>]*data-photo-preview[^>]*>", page.text)
    assert form is not None
    assert 'enctype="multipart/form-data"' in form.group(0)  # works without the script
    assert 'data-preview-alt="The photo you chose"' in form.group(0)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "blob:" in csp.split("img-src")[1].split(";")[0]


def test_the_preview_script_takes_the_alt_text_and_frees_the_image(client: FlaskClient) -> None:
    with client.get("/static/js/photo-preview.js") as script:
        assert script.status_code == 200
        text = script.text
    assert "URL.createObjectURL" in text and "URL.revokeObjectURL" in text
    assert 'name="alt_text"' in text and "img.alt" in text
