from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.budgets import ROWS, BudgetFactory, import_rows, line_with_key, manager_of
from factories.initiatives import PublishedInitiativeFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from factories.vouchers import ApplicationFactory, PotFactory, grant, pay

from samenhang.audit.models import AuditEntry
from samenhang.budgets import importing, queries, services
from samenhang.budgets.models import (
    BudgetCorrection,
    BudgetImport,
    ChallengeStatus,
    LineItem,
    LineOrigin,
    Source,
)
from samenhang.db import utcnow
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.initiatives.models import State, Theme
from samenhang.localtime import local_today
from samenhang.voting.models import Phase
from samenhang.vouchers import services as vouchers
from samenhang.vouchers.models import SourceKind


def _line(budget: Any, **changes: Any) -> services.LineData:
    line = changes.pop("line")
    values = {
        "theme": line.theme,
        "source": line.source,
        "source_name": line.source_name,
        "title": line.title,
        "description": line.description,
        "is_public_task": line.is_public_task,
        "planned_cents": line.planned_cents,
        "actual_cents": line.actual_cents,
        "initiative_id": line.initiative_id,
    }
    values.update(changes)
    return services.LineData(**values)


# --- platform lines from the ledger ---------------------------------------------------------


def test_a_pot_of_the_year_becomes_a_line_with_figures_from_the_ledger(db_session: Any) -> None:
    pot = PotFactory(year=2026, amount_cents=10_000_00, source_kind=SourceKind.woningcorporatie)
    pay(grant(ApplicationFactory(pot=pot), 800_00), 500_00)
    PotFactory(wijk=pot.wijk, manager=pot.created_by, year=2025)
    PotFactory(wijk=pot.wijk, manager=pot.created_by, year=2026, stage="draft")

    budget = BudgetFactory(wijk=pot.wijk, manager=pot.created_by, rows=[])

    assert [line.pot for line in budget.lines] == [pot]
    line = budget.lines[0]
    assert line.origin is LineOrigin.platform
    assert line.source is Source.woningcorporatie and line.source_name == pot.source_name
    assert line.planned_cents is None and line.actual_cents is None
    figures = queries.line_figures(line)
    assert (figures.planned_cents, figures.actual_cents) == (10_000_00, 500_00)
    assert sum(p.amount_cents for p in queries.payments(line)) == 500_00


def test_money_paid_back_lowers_the_actual(db_session: Any) -> None:
    pot = PotFactory(year=2026)
    application = pay(grant(ApplicationFactory(pot=pot), 800_00), 600_00)
    vouchers.record_return(application, actor=pot.created_by, amount_cents=150_00)
    budget = BudgetFactory(wijk=pot.wijk, manager=pot.created_by, rows=[])
    assert queries.line_figures(budget.lines[0]).actual_cents == 450_00
    [payment] = queries.payments(budget.lines[0])
    assert payment.amount_cents == 450_00
    assert payment.object_type == "pot_applications" and payment.object_id == application.id


def test_a_round_line_takes_its_budget_and_the_theme_of_its_projects(db_session: Any) -> None:
    wijk = WijkFactory()
    initiative = PublishedInitiativeFactory(wijk=wijk, themes=[Theme.veiligheid])
    round_ = RoundFactory(
        wijk=wijk, phase=Phase.voting, voting_on=utcnow().date().replace(year=2026)
    )
    ProjectFactory(round=round_, initiative=initiative, cost_cents=500_000)
    RoundFactory(wijk=wijk, phase=Phase.draft, voting_on=round_.voting_on)
    budget = BudgetFactory(wijk=wijk, rows=[])
    [line] = budget.lines
    assert line.round == round_ and line.theme is Theme.veiligheid
    assert line.source is Source.gemeente
    assert queries.line_figures(line).planned_cents == round_.budget_cents


def test_only_a_manager_of_the_wijk_prepares_a_budget(db_session: Any) -> None:
    wijk = WijkFactory()
    with pytest.raises(PermissionDenied):
        services.create_budget(wijk, 2026, actor=WijkmanagerFactory(wijken=[WijkFactory()]))
    with pytest.raises(PermissionDenied):
        services.create_budget(wijk, 2026, actor=UserFactory())


def test_one_budget_per_wijk_and_year(db_session: Any) -> None:
    budget = BudgetFactory(rows=[])
    with pytest.raises(DomainError, match="already has a buurtbegroting"):
        services.create_budget(budget.wijk, 2026, actor=manager_of(budget))


# --- importing ----------------------------------------------------------------------------


def test_import_adds_the_rows_with_their_figures(db_session: Any) -> None:
    budget = BudgetFactory()
    assert [line.external_key for line in budget.lines] == ["K-1", "K-2", "K-3"]
    first = line_with_key(budget, "K-1")
    assert (first.planned_cents, first.actual_cents) == (48_000_00, 21_500_50)
    assert first.is_public_task and first.theme is Theme.wonen
    assert line_with_key(budget, "K-2").actual_cents is None
    figures = queries.budget_figures(budget)
    assert figures.planned_cents == 68_500_00
    assert figures.actual_cents == 29_500_50
    assert figures.unknown_actuals == 1


def test_the_same_file_twice_is_refused_and_changes_nothing(db_session: Any) -> None:
    budget = BudgetFactory()
    with pytest.raises(services.AlreadyImported):
        services.stage_import(
            budget, "again.csv", importing.rows_to_csv(ROWS), actor=manager_of(budget)
        )
    assert len(budget.lines) == 3


def test_a_corrected_file_updates_lines_by_their_kenmerk(db_session: Any) -> None:
    budget = BudgetFactory()
    rows = [list(r) for r in ROWS]
    rows[1][7] = "9000"
    rows.append(["K-4", "leren", "overig", "Bibliotheek", "Voorlezen", "", "1200", "", "", ""])
    preview = import_rows(budget, rows)
    assert (preview.count("new"), preview.count("changed"), preview.count("unchanged")) == (1, 1, 2)
    db.session.expire_all()
    assert len(budget.lines) == 4
    assert line_with_key(budget, "K-2").actual_cents == 9000_00
    assert line_with_key(budget, "K-4").source is Source.other


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_kept(
    db_session: Any,
) -> None:
    budget = BudgetFactory(rows=[])
    rows = [
        ["A", "wonen", "gemeente", "Gemeente", "Goed", "", "100", "", "", ""],
        ["B", "sport", "gemeente", "Gemeente", "Thema fout", "", "100", "", "", ""],
        ["C", "wonen", "bank", "Gemeente", "Bron fout", "", "1,250", "-5", "misschien", "x"],
        ["A", "wonen", "gemeente", "Gemeente", "Dubbel", "", "100", "", "", ""],
        ["", "wonen", "gemeente", "", "", "", "", "", "", ""],
    ]
    staged = services.stage_import(
        budget, "fout.csv", importing.rows_to_csv(rows), actor=manager_of(budget)
    )
    assert staged.budget_import is None
    found = {(p.row, p.column) for p in staged.parsed.problems}
    assert found == {
        (3, "thema"),
        (4, "bron"),
        (4, "begroot"),
        (4, "besteed"),
        (4, "maatschappelijke_taak"),
        (4, "initiatief"),
        (5, "kenmerk"),
        (6, "kenmerk"),
        (6, "financier"),
        (6, "omschrijving"),
        (6, "begroot"),
    }
    assert db.session.scalar(sa.select(sa.func.count(BudgetImport.id))) == 0
    assert budget.lines == []


def test_an_initiative_from_another_wijk_is_refused_per_row(db_session: Any) -> None:
    budget = BudgetFactory(rows=[])
    elsewhere = PublishedInitiativeFactory()
    here = PublishedInitiativeFactory(wijk=budget.wijk)
    rows = [
        ["A", "wonen", "gemeente", "G", "Goed", "", "100", "", "", str(here.id)],
        ["B", "wonen", "gemeente", "G", "Fout", "", "100", "", "", str(elsewhere.id)],
    ]
    staged = services.stage_import(
        budget, "r.csv", importing.rows_to_csv(rows), actor=manager_of(budget)
    )
    assert [(p.row, p.column) for p in staged.parsed.problems] == [(3, "initiatief")]


def test_a_file_without_the_required_columns_is_refused(db_session: Any) -> None:
    budget = BudgetFactory(rows=[])
    with pytest.raises(importing.ImportFileError, match="missing: begroot"):
        services.stage_import(
            budget,
            "r.csv",
            b"kenmerk;thema;bron;financier;omschrijving\nA;wonen;gemeente;G;X\n",
            actor=manager_of(budget),
        )
    with pytest.raises(importing.ImportFileError, match="CSV or an Excel"):
        services.stage_import(budget, "r.txt", b"x", actor=manager_of(budget))
    with pytest.raises(importing.ImportFileError, match="Excel workbook"):
        services.stage_import(budget, "r.xlsx", b"not a zip", actor=manager_of(budget))


def test_an_xlsx_file_imports_like_a_csv(db_session: Any) -> None:
    budget = BudgetFactory(rows=[])
    staged = services.stage_import(
        budget, "sjabloon.xlsx", importing.template_xlsx(), actor=manager_of(budget)
    )
    assert staged.budget_import is not None, staged.parsed.problems
    services.apply_import(staged.budget_import, actor=manager_of(budget))
    assert [line.planned_cents for line in budget.lines] == [48_000_00, 12_500_00]


def test_numbers_in_a_workbook_are_read_exactly() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.name for c in importing.COLUMNS])
    sheet.append(["A", "wonen", "gemeente", "G", "X", "", 1234.56, 0.3, "ja", None])
    sheet.append(["B", "wonen", "gemeente", "G", "Y", "", 10, 12.345, "nee", 7])
    import io

    out = io.BytesIO()
    workbook.save(out)
    parsed = importing.parse_file("a.xlsx", out.getvalue())
    assert (parsed.rows[0].planned_cents, parsed.rows[0].actual_cents) == (123456, 30)
    # A fraction of a cent is refused, never rounded away.
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "besteed")]


# --- publishing and corrections -----------------------------------------------------------


def test_a_draft_is_changed_freely_and_a_published_budget_only_with_a_public_reason(
    db_session: Any,
) -> None:
    budget = BudgetFactory()
    manager = manager_of(budget)
    line = line_with_key(budget, "K-2")
    services.change_line(line, _line(budget, line=line, actual_cents=100_00), actor=manager)
    assert budget.corrections == []

    services.publish_budget(budget, actor=manager)
    assert budget.is_published and budget.published_at is not None
    with pytest.raises(DomainError, match="say why"):
        services.change_line(line, _line(budget, line=line, actual_cents=200_00), actor=manager)
    services.change_line(
        line,
        _line(budget, line=line, actual_cents=200_00),
        actor=manager,
        reason="De factuur van december kwam later.",
    )
    [correction] = db.session.scalars(sa.select(BudgetCorrection)).all()
    assert correction.line == line
    assert correction.changes == [{"field": "actual_cents", "before": 100_00, "after": 200_00}]
    logged = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "budget.corrected"))
    assert logged is not None and logged.is_public


def test_publishing_twice_is_refused(db_session: Any) -> None:
    budget = BudgetFactory(published=True)
    with pytest.raises(DomainError, match="already published"):
        services.publish_budget(budget, actor=manager_of(budget))


def test_an_empty_budget_cannot_be_published(db_session: Any) -> None:
    budget = BudgetFactory(rows=[])
    with pytest.raises(DomainError, match="Add lines"):
        services.publish_budget(budget, actor=manager_of(budget))


def test_a_pot_added_after_publishing_comes_in_as_a_correction(db_session: Any) -> None:
    budget = BudgetFactory(published=True)
    pot = PotFactory(wijk=budget.wijk, manager=manager_of(budget), year=2026)
    with pytest.raises(DomainError, match="say why"):
        services.add_platform_lines(budget, actor=manager_of(budget))
    [line] = services.add_platform_lines(
        budget, actor=manager_of(budget), reason="Nieuw potje van de corporatie."
    )
    assert line.pot == pot
    assert budget.corrections[-1].changes == [{"field": "line", "before": None, "after": pot.name}]


def test_a_platform_line_cannot_get_typed_figures(db_session: Any) -> None:
    pot = PotFactory(year=2026)
    budget = BudgetFactory(wijk=pot.wijk, manager=pot.created_by, rows=[])
    line = budget.lines[0]
    services.change_line(
        line, _line(budget, line=line, planned_cents=1, theme=Theme.leren), actor=pot.created_by
    )
    assert line.planned_cents is None and line.theme is Theme.leren


# --- challenges -------------------------------------------------------------------------------


def _challenge(budget: Any, author: Any) -> Any:
    return services.submit_challenge(
        line_with_key(budget, "K-1"),
        services.ChallengeData("Wij doen het groen met buurtbewoners.", 40_000_00, "Buurtbedrijf"),
        actor=author,
    )


def test_a_challenge_needs_a_published_public_task(db_session: Any, outbox: list[Any]) -> None:
    budget = BudgetFactory()
    resident = UserFactory()
    with pytest.raises(PermissionDenied):
        _challenge(budget, resident)
    services.publish_budget(budget, actor=manager_of(budget))
    with pytest.raises(PermissionDenied):
        services.submit_challenge(
            line_with_key(budget, "K-2"),
            services.ChallengeData("Beter", 1, "Wij"),
            actor=resident,
        )
    challenge = _challenge(budget, resident)
    assert challenge.answer_due_on == local_today() + timedelta(days=28)
    assert [m.to for m in outbox] == [manager_of(budget).email]


def test_an_accepted_challenge_becomes_a_draft_initiative_of_the_challenger(
    db_session: Any, outbox: list[Any]
) -> None:
    budget = BudgetFactory(published=True)
    resident = UserFactory()
    challenge = _challenge(budget, resident)
    services.answer_challenge(
        challenge, True, "Goed plan, we gaan het doen.", actor=manager_of(budget)
    )
    assert challenge.status is ChallengeStatus.accepted
    initiative = challenge.initiative
    assert initiative.author == resident and initiative.state is State.draft
    assert initiative.theme_values == [Theme.wonen]
    assert initiative.budget_total == 40_000_00
    assert outbox[-1].to == resident.email
    with pytest.raises(DomainError, match="already answered"):
        services.answer_challenge(challenge, False, "Toch niet.", actor=manager_of(budget))


def test_an_answer_needs_a_reason_and_a_manager(db_session: Any, outbox: list[Any]) -> None:
    budget = BudgetFactory(published=True)
    challenge = _challenge(budget, UserFactory())
    with pytest.raises(DomainError, match="Write your answer"):
        services.answer_challenge(challenge, False, "  ", actor=manager_of(budget))
    with pytest.raises(PermissionDenied):
        services.answer_challenge(challenge, False, "Nee.", actor=UserFactory())
    assert challenge.status is ChallengeStatus.open


def test_reminders_go_out_in_the_last_week_and_not_every_day(
    db_session: Any, outbox: list[Any]
) -> None:
    budget = BudgetFactory(published=True)
    challenge = _challenge(budget, UserFactory())
    outbox.clear()
    due = challenge.answer_due_on
    day = utcnow().replace(hour=10)

    def on(days_before: int) -> int:
        return services.send_reminders(
            now=day + timedelta(days=(due - local_today(day)).days - days_before)
        )

    assert on(10) == 0
    assert on(7) == 1
    assert on(6) == 0
    assert on(1) == 1
    assert on(0) == 0
    assert on(-6) == 1
    services.answer_challenge(challenge, False, "Nee, want.", actor=manager_of(budget))
    assert on(-20) == 0
    assert len([m for m in outbox if m.to == manager_of(budget).email]) == 3


def test_lines_stay_unique_per_pot(db_session: Any) -> None:
    pot = PotFactory(year=2026)
    budget = BudgetFactory(wijk=pot.wijk, manager=pot.created_by, rows=[])
    assert services.add_platform_lines(budget, actor=pot.created_by) == []
    assert db.session.scalar(sa.select(sa.func.count(LineItem.id))) == 1


# --- a hostile workbook ---------------------------------------------------------------------


def _rezipped(workbook: bytes, replace: dict[str, bytes]) -> bytes:
    """The same workbook with some of its parts replaced or added."""
    import io
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            target.writestr(name, replace.pop(name, source.read(name)))
        for name, data in replace.items():
            target.writestr(name, data)
    return out.getvalue()


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A zip bomb: 30 MB of sheet that packs into a few kilobytes, well under the 2 MB limit
    on the file itself. It is refused on the zip's directory alone: openpyxl never opens it."""
    import openpyxl

    sheet = b'<?xml version="1.0"?><worksheet>' + b" " * (30 * 1024 * 1024) + b"</worksheet>"
    bomb = _rezipped(importing.template_xlsx(), {"xl/worksheets/sheet1.xml": sheet})
    assert len(bomb) < 100_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened"))
    with pytest.raises(importing.ImportFileError, match="too large when unpacked: at most 20 MB"):
        importing.parse_file("bom.xlsx", bomb)


def test_a_workbook_of_many_small_parts_is_refused() -> None:
    parts = {f"xl/media/image{n}.png": b"x" for n in range(importing.MAX_ZIP_MEMBERS)}
    with pytest.raises(importing.ImportFileError, match="too large when unpacked"):
        importing.parse_file("veel.xlsx", _rezipped(importing.template_xlsx(), parts))


def test_a_sheet_wider_than_the_limit_is_refused() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.name for c in importing.COLUMNS])
    sheet.cell(row=2, column=importing.MAX_COLUMNS + 1, value="te ver")
    import io

    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(importing.ImportFileError, match="At most 50 columns per file"):
        importing.parse_file("breed.xlsx", out.getvalue())


def test_a_sheet_that_claims_to_be_huge_is_read_as_what_it_holds() -> None:
    """A sheet may declare any size (<dimension ref="A1:XFD1048576"/>); openpyxl would pad
    every row to 16,384 cells. The rows are read at most MAX_COLUMNS wide."""
    import io
    import re
    import zipfile

    template = importing.template_xlsx()
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    lying, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    assert count == 1
    huge = _rezipped(template, {"xl/worksheets/sheet1.xml": lying})
    parsed = importing.parse_file("groot.xlsx", huge)
    assert [row.planned_cents for row in parsed.rows] == [48_000_00, 12_500_00]
    assert not parsed.problems
    table = importing.read_table("groot.xlsx", huge)
    assert len(table) == 3 and max(len(row) for row in table) == importing.MAX_COLUMNS
