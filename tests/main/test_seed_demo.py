"""`samenhang seed-demo` prints the accounts first, with the configured address."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_seed_demo_prints_the_accounts_at_the_configured_address(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "SAMENHANG_INSTANCE_PATH": str(tmp_path),
        "SAMENHANG_BASE_URL": "http://demo.example:8080/",
        "SAMENHANG_MAIL_BACKEND": "console",
    }
    samenhang = Path(sys.executable).parent / "samenhang"
    subprocess.run([samenhang, "db", "upgrade"], env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [samenhang, "seed-demo"],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = seeded.stdout.splitlines()
    assert lines[0] == "Demo data loaded. Sign in at http://demo.example:8080/signin with:"
    assert "admin@demo.samenhang.nl" in lines[1]
    assert "5000" not in seeded.stdout
    # The demo's notifications to made-up residents are not sent (nor printed).
    assert "E-mail to" not in seeded.stdout
    assert "notification mail(s) to demo users were not sent" in seeded.stdout
    # The funded demo campaign shows a photo and the receipts of what its money paid for.
    uploads = tmp_path / "uploads" / "campaigns"
    assert len(list((uploads / "photos").glob("*-1024.jpg"))) == 1
    assert len(list((uploads / "receipts").glob("*.jpg"))) == 2
    # A demo buurtcontract goal is translated into English (goals translate like initiatives).
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        translated = db.execute(
            "SELECT text FROM content_translations"
            " WHERE object_type = 'contract_goals' AND field = 'title' AND locale = 'en'"
        ).fetchall()
    assert translated == [("More residents feel safe in the evening",)]
    # A city in use: 25+ initiatives across the demo wijken, in every state, with photos
    # (thumbnails written), comments and supporters in several languages.
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        states = dict(db.execute("SELECT state, count(*) FROM initiatives GROUP BY state"))
        with_photo = dict(
            db.execute(
                "SELECT i.state, count(DISTINCT i.id) FROM initiatives i"
                " JOIN initiative_photos p ON p.initiative_id = i.id GROUP BY i.state"
            )
        )
        wijken = db.execute("SELECT count(DISTINCT wijk_id) FROM initiatives").fetchone()[0]
        locales = {row[0] for row in db.execute("SELECT original_locale FROM initiatives")}
        commenters = {
            row[0]
            for row in db.execute(
                "SELECT u.locale FROM initiative_comments c JOIN users u ON u.id = c.author_id"
            )
        }
        supports = db.execute("SELECT count(*) FROM initiative_supports").fetchone()[0]
        first = db.execute("SELECT id, title FROM initiatives ORDER BY id LIMIT 2").fetchall()
    every_state = {
        "draft", "submitted", "in_review", "returned", "rejected", "published", "funded",
        "realised",
    }  # fmt: skip
    assert set(states) == every_state and sum(states.values()) >= 25
    assert set(with_photo) == every_state and sum(with_photo.values()) >= 25
    assert wijken >= 10
    assert {"nl", "tr", "ar", "pl", "uk", "en"} <= locales
    assert {"tr", "ar", "pl", "uk", "en"} <= commenters
    assert supports >= 50
    # the objects the browser tests open by id are still the first ones
    assert first == [(1, "Moestuin op het Korrewegplein"), (2, "Bankjes bij de bushalte")]
    assert len(list((tmp_path / "uploads" / "initiatives").glob("*-480.jpg"))) >= 25
