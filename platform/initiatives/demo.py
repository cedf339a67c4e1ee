"""Demo initiatives: one published with a Turkish translation, one waiting for the wijkmanager."""

from __future__ import annotations

from samenhang.accounts.models import User
from samenhang.content.services import save_translation
from samenhang.initiatives.models import HelpKind, Initiative, Theme
from samenhang.initiatives.services import (
    InitiativeData,
    create_initiative,
    decide_initiative,
    submit_initiative,
)
from samenhang.places.models import Wijk


def seed_initiatives(
    wijk: Wijk, resident: User, neighbour: User, manager: User
) -> list[Initiative]:
    garden = create_initiative(
        wijk,
        InitiativeData(
            title="Moestuin op het Korrewegplein",
            summary="Samen groente kweken in bakken op het plein, met de kinderen uit de buurt.",
            description=(
                "Op het plein ligt een stuk grond al jaren leeg. We willen daar **zes "
                "moestuinbakken** neerzetten.\n\n- Elke zaterdag tuinieren we samen\n"
                "- De oogst delen we met de buren\n- De school doet mee"
            ),
            public_name="Fatma",
            original_locale="nl",
            themes=[Theme.wonen, Theme.meedoen, Theme.gezondheid],
            help_asked=[HelpKind.money, HelpKind.time, HelpKind.materials],
            budget_lines=[("Hout voor zes bakken", 72000), ("Aarde en zaden", 18550)],
            address="Korrewegplein",
        ),
        actor=resident,
    )
    submit_initiative(garden, actor=resident)
    decide_initiative(garden, "publish", "", actor=manager)
    save_translation(
        garden,
        "tr",
        {
            "title": "Korrewegplein'da sebze bahçesi",
            "summary": "Mahalledeki çocuklarla birlikte meydanda kasalarda sebze yetiştirelim.",
            "description": (
                "Meydanda bir parça toprak yıllardır boş duruyor. Oraya **altı sebze "
                "kasası** koymak istiyoruz.\n\n- Her cumartesi birlikte bahçe işi yapıyoruz\n"
                "- Hasadı komşularla paylaşıyoruz\n- Okul da katılıyor"
            ),
        },
        actor=resident,
    )
    benches = create_initiative(
        wijk,
        InitiativeData(
            title="Bankjes bij de bushalte",
            summary="Twee bankjes bij de bushalte, zodat ouderen kunnen zitten.",
            description="Veel ouderen wachten lang op de bus. Een bankje helpt.",
            public_name="Piotr",
            original_locale="nl",
            themes=[Theme.wonen, Theme.gezondheid],
            help_asked=[HelpKind.money],
            budget_lines=[("Twee bankjes", 150000)],
        ),
        actor=neighbour,
    )
    submit_initiative(benches, actor=neighbour)
    return [garden, benches]
