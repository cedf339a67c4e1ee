"""Editing the draft criteria keeps each criterion's id, so its translations stay attached
and the reader sees "the original changed since" instead of "no translation yet"."""

from __future__ import annotations

from typing import Any

from factories.accounts import AdminFactory
from factories.vouchers import PotFactory, manager_of
from flask.testing import FlaskClient
from sqlalchemy import select

from samenhang.content.models import ContentTranslation
from samenhang.content.queries import localize
from samenhang.content.services import save_translation
from samenhang.extensions import db
from samenhang.vouchers import services
from samenhang.vouchers.models import Pot


def test_set_criteria_edits_in_place_adds_and_removes(db_session: Any) -> None:
    pot = PotFactory(stage="consultation")
    first, second = pot.criteria
    ids = (first.id, second.id)
    services.set_criteria(
        pot,
        [
            services.CriterionInput("Goed voor de hele buurt", "Anders gezegd.", 3, ids[0]),
            services.CriterionInput("Nieuw criterium", "", 1),
        ],
        actor=manager_of(pot),
    )
    db.session.flush()
    assert pot.criteria[0].id == ids[0]
    assert pot.criteria[0].title == "Goed voor de hele buurt" and pot.criteria[0].weight == 3
    assert pot.criteria[1].id not in ids  # the second was left out, the new one is new
    assert [c.position for c in pot.criteria] == [1, 2]


def test_an_id_of_another_pot_makes_a_new_criterion(db_session: Any) -> None:
    pot, other = PotFactory(stage="consultation"), PotFactory(stage="consultation")
    stranger = other.criteria[0].id
    services.set_criteria(
        pot, [services.CriterionInput("Van mij", "", 1, stranger)], actor=manager_of(pot)
    )
    db.session.flush()
    assert pot.criteria[0].id != stranger
    assert db.session.get(Pot, other.id).criteria[0].title != "Van mij"


def test_editing_criteria_on_the_page_keeps_their_translations(
    db_session: Any, client: FlaskClient, login: Any
) -> None:
    pot = PotFactory(stage="consultation")
    criterion = pot.criteria[0]
    save_translation(criterion, "en", {"title": "Good for the neighbourhood"}, actor=AdminFactory())
    for row in db.session.scalars(select(ContentTranslation)):
        row.reviewed_at = row.created_at  # checked, so the reader sees it
    db.session.commit()
    ids = [c.id for c in pot.criteria]

    login(manager_of(pot))
    form = client.get(f"/bewonersbudgetten/pots/{pot.id}/criteria").text
    assert f'value="{ids[0]}"' in form and f'value="{ids[1]}"' in form
    data = {}
    for i, c in enumerate(pot.criteria):
        data[f"criteria-{i}-criterion_id"] = str(c.id)
        data[f"criteria-{i}-title"] = c.title + (" en de straat" if i == 0 else "")
        data[f"criteria-{i}-description"] = c.description
        data[f"criteria-{i}-weight"] = str(c.weight)
    assert client.post(f"/bewonersbudgetten/pots/{pot.id}/criteria", data=data).status_code == 302

    db.session.expire_all()
    edited = db.session.get(Pot, pot.id)
    assert [c.id for c in edited.criteria] == ids
    assert edited.criteria[0].title == "Goed voor de buurt en de straat"
    title = localize(edited.criteria[0], "en").fields["title"]
    assert title.text == "Good for the neighbourhood" and title.is_outdated
