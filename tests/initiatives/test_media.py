"""Photos of an initiative that is not public (a draft, in review, refused) are served only
to who may see the initiative, privately cached; photos of public ones stay public."""

from __future__ import annotations

import io
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.initiatives import InitiativeFactory
from flask.testing import FlaskClient
from initiatives.conftest import make_jpeg

from samenhang import uploads
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative, Photo, State


def _photo_url(initiative: Initiative) -> str:
    stored = uploads.store_image(io.BytesIO(make_jpeg()), "initiatives")
    db.session.add(
        Photo(
            initiative=initiative,
            position=0,
            stored_name=stored.name,
            width=stored.width,
            height=stored.height,
        )
    )
    db.session.flush()
    return f"/media/initiatives/{stored.name}-480.jpg"


def _get(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    response.close()  # the file is sent streamed; close it
    return response


@pytest.mark.parametrize("state", [State.draft, State.submitted, State.rejected])
def test_a_photo_of_a_hidden_initiative_is_for_who_may_see_it_only(
    client: FlaskClient, login: Any, state: State
) -> None:
    initiative = InitiativeFactory(state=state)
    url = _photo_url(initiative)
    assert _get(client, url).status_code == 404
    login(UserFactory())
    assert _get(client, url).status_code == 404
    client.post("/signout")
    for who in (initiative.author, WijkmanagerFactory(wijken=[initiative.wijk])):
        login(who)
        response = _get(client, url)
        assert response.status_code == 200, who
        assert response.headers["Cache-Control"].startswith("private")
        assert "public" not in response.headers["Cache-Control"]
        client.post("/signout")


def test_a_photo_of_a_public_initiative_is_public_and_cached(client: FlaskClient) -> None:
    initiative = InitiativeFactory(state=State.published)
    response = _get(client, _photo_url(initiative))
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=2592000" in response.headers["Cache-Control"]


def test_a_file_that_belongs_to_no_photo_is_not_served(client: FlaskClient, app: Any) -> None:
    stored = uploads.store_image(io.BytesIO(make_jpeg()), "initiatives")
    assert _get(client, f"/media/initiatives/{stored.name}-480.jpg").status_code == 404


def test_a_photo_is_uploaded_served_and_deleted(
    client: FlaskClient, login: Any, either_storage: Any
) -> None:
    """The whole life of a photo, with files in the local folder and in an S3 bucket."""
    initiative = InitiativeFactory(state=State.draft)
    login(initiative.author)
    added = client.post(
        f"/initiatives/{initiative.id}/photos",
        data={"photo": (io.BytesIO(make_jpeg()), "tuin.jpg"), "alt_text": "Het veldje"},
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    [photo] = db.session.scalars(db.select(Photo).where(Photo.initiative_id == initiative.id))
    photo_id = photo.id
    keys = [uploads.image_key("initiatives", photo.stored_name, w) for w in uploads.PAGE_WIDTHS]
    assert all(key is not None and either_storage.exists(key) for key in keys)

    url = f"/media/initiatives/{photo.stored_name}-480.jpg"
    served = client.get(url)
    data = served.data
    served.close()
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert data == either_storage.get(keys[0])
    assert served.headers["Cache-Control"] == "private, no-cache"
    assert served.content_length == len(data) and served.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": served.headers["ETag"]})
    again.close()
    assert again.status_code == 304 and not again.data

    removed = client.post(f"/initiatives/{initiative.id}/photos/{photo_id}/delete")
    assert removed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Photo, photo_id) is None
    assert not any(either_storage.exists(key) for key in keys)
    assert _get(client, url).status_code == 404
