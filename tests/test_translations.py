"""Every catalog is complete: no missing, fuzzy or stale entries, placeholders kept."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.plural import to_python
from babel.support import Translations

from samenhang.config import LOCALES

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)[sd]|%[sd]")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _strings(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _key(message: Message) -> str:
    """The msgid, prefixed like gettext's own "context\x04msgid" when it has a context: "Name"
    for a person and "Name" for an organisation are two entries."""
    msgid = str(message.id if isinstance(message.id, str) else message.id[0])
    return f"{message.context}\x04{msgid}" if message.context else msgid


def _messages(catalog: Catalog) -> dict[str, Message]:
    return {_key(m): m for m in catalog if m.id}


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(TRANSLATIONS / "messages.pot")


def test_template_is_up_to_date(tmp_path: Path, template: Catalog) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "extract",
            "--mapping-file",
            "translations/babel.cfg",
            "--output-file",
            fresh,
            "--keywords",
            "_l",
            "--keywords",
            "N_",
            "--keywords",
            "lazy_gettext",
            "--keywords",
            "lazy_pgettext:1c,2",
            "--keywords",
            "lazy_ngettext:1,2",
            "--keywords",
            "Nn_:1,2",
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    missing = set(_messages(_read(fresh))) - set(_messages(template))
    stale = set(_messages(template)) - set(_messages(_read(fresh)))
    assert not missing and not stale, (
        f"run `make translations`; new: {sorted(missing)[:10]}, gone: {sorted(stale)[:10]}"
    )


@pytest.mark.parametrize("locale", list(LOCALES))
def test_catalog_is_complete_and_keeps_placeholders(locale: str, template: Catalog) -> None:
    catalog = _messages(_read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"))
    problems = []
    for msgid, source in _messages(template).items():
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        translations = _strings(message.string)
        if not all(translations):
            problems.append(f"untranslated: {msgid!r}")
            continue
        expected = sorted(PLACEHOLDER.findall(" ".join(_strings(source.id))))
        for translation in translations:
            if sorted(set(PLACEHOLDER.findall(translation))) != sorted(set(expected)):
                problems.append(f"placeholders differ: {msgid!r} -> {translation!r}")
    assert not problems, f"{locale}: " + "\n".join(problems[:40])


#: Phrases that are the same in English and in the language, checked by a native reader.
SAME_AS_ENGLISH = {
    "nl": {
        "Budget: {amount}",
        "Extra budget",
        "Open data",
        "Wijk: {wijk}",
        "Wijkstemdag in {wijk}",
        # buurtbegroting
        "Buurtbegroting {wijk}",
        "Buurtbegroting {wijk} {year}",
        "Buurtbegroting {year}",
        "Buurtbegroting {year}: {title}",
        "Per wijk",
        "%(municipality)s: %(num)d wijk",
    },
}


@pytest.mark.parametrize("locale", [code for code in LOCALES if code != "en"])
def test_catalog_is_not_english_copied(locale: str) -> None:
    """A sentence left in English is a defect; single words (names, 'Contact') may match, and
    so may a msgid of placeholders only ("{first} {second}"), which has no words to translate."""
    catalog = _messages(_read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"))
    allowed = SAME_AS_ENGLISH.get(locale, set())
    copied = [
        msgid
        for msgid, message in catalog.items()
        if " " in msgid.strip()
        and PLACEHOLDER.sub("", msgid).strip()
        and msgid not in allowed
        and _strings(message.string)[0].strip() == msgid.strip()
    ]
    assert not copied, f"{locale} has English left in: {copied[:20]}"


def _compiled(locale: str) -> Translations:
    """The catalog compiled in memory, as `make compile-translations` would write it."""
    buffer = io.BytesIO()
    write_mo(buffer, _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"))
    buffer.seek(0)
    return Translations(buffer)


def test_arabic_plural_forms_follow_cldr_order() -> None:
    """Slots are CLDR's zero, one, two, few, many, other, as Babel and translators expect;
    the old gettext order had many and other swapped."""
    translations = _compiled("ar")
    cldr = to_python(Locale.parse("ar").plural_form)
    tags = ("zero", "one", "two", "few", "many", "other")
    for n in range(0, 1250):
        assert tags[translations.plural(n)] == cldr(n), n


def test_arabic_ngettext_picks_the_right_form() -> None:
    translations = _compiled("ar")
    rendered = {
        n: translations.ngettext("%(num)d vote", "%(num)d votes", n) % {"num": n}
        for n in (0, 1, 2, 5, 11, 100)
    }
    assert rendered == {
        0: "0 صوت",
        1: "صوت واحد (1)",
        2: "صوتان (2)",
        5: "5 أصوات",
        11: "11 صوتًا",
        100: "100 صوت",
    }


def test_arabic_plural_header_survives_make_translations() -> None:
    """`pybabel update` keeps the catalog's own Plural-Forms: Babel writes its CLDR-derived
    expression only for a new catalog, so the header is ours to keep."""
    catalog = _read(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po")
    assert catalog.num_plurals == 6
    assert catalog.plural_expr == (
        "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)"
    )


def test_arabic_many_and_other_differ_for_counted_nouns() -> None:
    """11–99 take the singular with tanwin (صوتًا), 100 the plain singular (صوت): an entry whose
    many form has no tanwin while its other form differs only there was filled in the old
    slot order."""
    catalog = _read(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po")
    swapped = [
        m.id[0]
        for m in catalog
        if m.id and m.pluralizable and "ً" in m.string[5] and "ً" not in m.string[4]
    ]
    assert not swapped, swapped


def test_polish_says_a_vote_was_counted_not_that_it_matters() -> None:
    """ "się liczy" means "matters": on the vote-check path the resident asks whether the vote
    was counted ("został policzony")."""
    catalog = _read(TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po")
    wrong = [
        m.id
        for m in catalog
        if m.id
        and isinstance(m.id, str)
        and re.search(r"\bvote is (not )?counted|is counted\b|Not counted|make it count", m.id)
        and re.search(r"się (nie )?liczy|liczy się|się liczył", m.string)
    ]
    assert not wrong, wrong
    assert catalog.get("Your vote is not counted").string == "Twój głos nie został policzony"


#: Runs that an Arabic (right-to-left) sentence shows in the wrong order unless they sit in a
#: left-to-right isolate (U+2066 … U+2069): numbers apart by spaces ("3 7 12" shows as
#: "12 7 3"), a number then Latin letters ("9741 AB" as "AB 9741"), a range ("0–5" as "5–0").
REVERSED_IN_RTL = re.compile(r"\d+[  ]+\d|\d+ [A-Za-z]|\d–\d|\d[  ]?€|[A-Za-z]-…|_…")
ISOLATE = re.compile("[\u2066\u2068][^\u2069]*\u2069")


def test_arabic_isolates_latin_examples() -> None:
    catalog = _read(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po")
    reversed_runs = []
    for message in catalog:
        if not message.id:
            continue
        for translation in _strings(message.string):
            bare = PLACEHOLDER.sub("", ISOLATE.sub("", translation))
            if REVERSED_IN_RTL.search(bare):
                reversed_runs.append(translation)
    assert not reversed_runs, reversed_runs[:10]
    postcode = catalog.get("This is not a Dutch postcode. Write it like 9741 AB.").string
    assert "\u20669741 AB\u2069" in postcode


def test_arabic_has_no_latin_commas() -> None:
    catalog = _read(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po")
    latin = [
        translation
        for message in catalog
        if message.id
        for translation in _strings(message.string)
        if re.search(r"[\u0600-\u06ff]\s*[,;]\s|[,;]\s*[\u0600-\u06ff]", translation)
    ]
    assert not latin, latin[:10]


def test_language_names_and_lists_follow_the_reader() -> None:
    from samenhang.i18n import format_items, language_name

    assert language_name("nl", "ar") == "الهولندية"
    assert language_name("ar", "nl") == "Arabisch"
    assert language_name("uk", "pl") == "ukraiński"
    assert format_items(["Groen", "Spelen", "Veilig"], locale="nl") == "Groen, Spelen en Veilig"
    arabic = format_items(["أ", "ب", "ج"], locale="ar")
    assert "," not in arabic and "و" in arabic


def test_arabic_keeps_the_ballot_receipt_apart_from_expense_receipts() -> None:
    """A ballot receipt is a code proving a vote ("وصل التصويت", "رمز التحقق"); an expense
    receipt is a shop's bill ("فاتورة"). One word (إيصال) for both confused readers."""
    catalog = _read(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po")
    ballot = {"3. Receipt", "Check your receipt", "Your receipt"}
    wrong = []
    for message in catalog:
        if not (message.id and isinstance(message.id, str)) or "receipt" not in message.id.lower():
            continue
        text = message.string
        if "receipt code" in message.id.lower() or message.id in ballot:
            if "إيصال" in text or not re.search("رمز (ال)?تحقق|وصل (ال)?تصويت", text):
                wrong.append(message.id)
        elif "gift" not in message.id and ("إيصال" in text or not re.search("فاتور|فواتير", text)):
            wrong.append(message.id)
    assert not wrong, wrong


#: A count placeholder followed by a plural noun: "{count} photos" needs ngettext, since
#: Polish, Ukrainian and Arabic change the noun with the number ("1 zdjęcie", "2 zdjęcia",
#: "5 zdjęć").
COUNTED_NOUN = re.compile(
    r"(\{(count|n|num|days|eligible|total|capacity|chosen|given|points|declared|attempts"
    r"|maximum|minimum|limit|places|expected|supporters|projects)\}|%\((num|min|count)\)[sd])"
    r" (more )?(people|[a-z]+s)\b"
)


def test_counts_go_through_ngettext(template: Catalog) -> None:
    single = [m.id for m in template if m.id and not m.pluralizable and COUNTED_NOUN.search(m.id)]
    assert single == []
