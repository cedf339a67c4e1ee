"""Every page in a real browser: WCAG 2.1 AA (axe-core), no sideways scrolling at 360 px,
right-to-left Arabic, screenshots for review, page weight, no JavaScript, keyboard only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Request, Response
from playwright.sync_api import Page as BrowserPage

from samenhang.budgets.importing import rows_to_csv
from samenhang.demo import DEMO_PASSWORD
from samenhang.localtime import local_today
from samenhang.voting.demo import DEMO_CODES

pytestmark = pytest.mark.browser

Step = Callable[[BrowserPage], Response | None]
NewContext = Callable[..., BrowserContext]

#: The WCAG 2.0 and 2.1 level A and AA rules of axe-core.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass(frozen=True)
class Page:
    """A page to check: its name (used in test ids and screenshot names), its path, the
    demo user to sign in as, the status it answers, and steps to run once it is open (for
    a page that only appears after an action, such as a form sent with errors)."""

    name: str
    path: str
    login: str | None = None
    status: int = 200
    then: Step | None = None

    def __str__(self) -> str:
        return self.name


def send_signin_with_wrong_password(page: BrowserPage) -> Response | None:
    page.fill("#email", "fatma@demo.samenhang.nl")
    page.fill("#password", "not-the-password")
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    return navigation.value


#: Each run votes with a fresh code of the demo round (a code votes once).
_DEMO_STEMCODES = iter(DEMO_CODES)


def choose_stemdag_projects(page: BrowserPage) -> Response | None:
    page.check("input[name=project] >> nth=0")
    with page.expect_navigation() as navigation:
        page.click("button[value=review]")
    return navigation.value


def vote_with_a_demo_stemcode(page: BrowserPage) -> Response | None:
    choose_stemdag_projects(page)
    page.fill("#code", next(_DEMO_STEMCODES))
    page.check("#age_confirmed")
    with page.expect_navigation() as navigation:
        page.click("form[action$='/vote/cast'] button[type=submit]")
    return navigation.value


def upload_budget_file(rows: list[list[str]]) -> Step:
    """Send a buurtbegroting import file (bad rows: the error report; good: the preview)."""

    def step(page: BrowserPage) -> Response | None:
        page.set_input_files(
            "#file", {"name": "regels.csv", "mimeType": "text/csv", "buffer": rows_to_csv(rows)}
        )
        with page.expect_navigation() as navigation:
            page.click("main form[enctype] button[type=submit]")
        return navigation.value

    return step


NOOR = "noor@demo.samenhang.nl"  # asked for an address check, not yet done
FATMA = "fatma@demo.samenhang.nl"  # bewoner of the Korrewegwijk
WIJKMANAGER = "wijkmanager@demo.samenhang.nl"  # Korrewegwijk and De Hoogte
PIOTR = "piotr@demo.samenhang.nl"  # bewoner, volunteer at the demo stemdag
ADMIN = "admin@demo.samenhang.nl"
OLENA = "olena@demo.samenhang.nl"  # bewoner of Woensel-West, on its bewonersraad
EINDHOVEN = "wijkmanager.eindhoven@demo.samenhang.nl"  # Woensel-West; acts for the gemeente
WOENSEL_WEST = "/g/eindhoven/woensel-west"
THIS_YEAR = date.today().year  # the demo buurtcontract is this year's

#: The year of the demo buurtbegrotingen.
BUDGET_YEAR = local_today().year

# Every page type of the site, checked in nl and ar at 360 and 1280 px wide.
# A new page joins every browser check with ONE line here: a name, a path on the demo data
# (`samenhang seed-demo`), `login=` a demo user when it needs one, `status=` when it is not
# 200, `then=` a function that does what the page needs after loading (see
# send_signin_with_wrong_password). For example:
#   Page("initiative", "/g/groningen/korrewegwijk/initiatives/1", login=FATMA),
#   Page("moderation", "/moderation", login=WIJKMANAGER),
PAGES = [
    Page("home", "/"),
    Page("municipality", "/g/groningen"),
    Page("wijk", "/g/groningen/korrewegwijk"),
    Page("find-wijk", "/find?postcode=1093"),
    Page("signin", "/signin"),
    Page("signin-errors", "/signin", status=422, then=send_signin_with_wrong_password),
    Page("signup", "/signup"),
    Page("forgot-password", "/password/forgot"),
    Page("privacy", "/privacy"),
    Page("contact", "/contact"),
    Page("not-found", "/this-page-does-not-exist", status=404),
    Page("profile", "/profile", login=FATMA),
    Page("admin-users", "/admin/users", login=ADMIN),
    Page("admin-edit-user", "/admin/users/2", login=ADMIN),  # the demo wijkmanager
    Page("admin-municipalities", "/admin/municipalities", login=ADMIN),
    Page("initiatives", "/g/groningen/korrewegwijk/initiatives"),
    Page("initiative", "/initiatives/1"),  # the demo garden, published, translated into tr
    Page("initiative-author", "/initiatives/1", login=FATMA),
    Page("initiative-new", "/g/groningen/korrewegwijk/initiatives/new", login=FATMA),
    Page("initiative-translate", "/translate/initiatives/1/pl", login=FATMA),
    Page("my-initiatives", "/my/initiatives", login=FATMA),
    Page("moderation", "/g/groningen/korrewegwijk/moderation", login=WIJKMANAGER),
    Page("moderation-decide", "/initiatives/2/decide", login=WIJKMANAGER),
    Page("moderation-log", "/g/groningen/korrewegwijk/moderation-log"),
    Page("stemdag-ballot", "/stemdag/1/vote"),  # the demo round in Korrewegwijk, open
    Page("stemdag-review", "/stemdag/1/vote", then=choose_stemdag_projects),
    Page("stemdag-receipt", "/stemdag/1/vote", then=vote_with_a_demo_stemcode),
    Page("stemdag-results", "/stemdag/2/results"),  # Amsterdam 166, imported
    Page("stemdag-wijk", "/g/groningen/korrewegwijk/stemdag"),
    Page("stemdag-round", "/stemdag/1"),
    Page("stemdag-manage", "/stemdag/1/manage", login=WIJKMANAGER),
    Page("stemdag-codes", "/stemdag/1/codes", login=WIJKMANAGER),
    Page("stemdag-edit", "/stemdag/1/edit", login=WIJKMANAGER),
    Page("stemdag-volunteers", "/stemdag/1/volunteers", login=WIJKMANAGER),
    Page("stemdag-register", "/stemdag/1/register", login=PIOTR),
    Page("stemdag-paper", "/stemdag/1/paper", login=PIOTR),
    Page("stemdag-check", "/stemdag/1/check"),
    Page("stemdag-code-requests", "/stemdag/1/code-requests", login=WIJKMANAGER),
    Page("address-checks", "/g/groningen/korrewegwijk/addresses", login=WIJKMANAGER),
    Page("profile-address-asked", "/profile", login=NOOR),
    Page("pots", "/g/groningen/korrewegwijk/bewonersbudgetten"),
    Page("pot", "/bewonersbudgetten/pots/1"),
    Page("pot-ledger", "/bewonersbudgetten/pots/1/ledger"),
    Page("pot-apply", "/bewonersbudgetten/pots/1/apply", login=FATMA),
    Page("pot-apply-first", "/bewonersbudgetten/pots/1/apply", login=NOOR),  # says what is missing
    Page("my-applications", "/bewonersbudgetten/my", login=FATMA),
    Page("pots-dashboard", "/bewonersbudgetten/manage", login=WIJKMANAGER),
    Page("application", "/bewonersbudgetten/applications/1", login=WIJKMANAGER),
    # Buurtbegroting (platform/budgets/demo.py): this year's Korrewegwijk lines are 1 to 11.
    *[
        Page(name, f"/g/groningen/korrewegwijk/buurtbegroting/{BUDGET_YEAR}{tail}", login=who)
        for name, tail, who in [
            ("buurtbegroting", "", None),
            ("buurtbegroting-platform-line", "/lines/1", None),  # a pot: paid from the ledger
            ("buurtbegroting-line", "/lines/5", None),  # a public task with an answered offer
            ("buurtbegroting-challenge", "/lines/6/challenge", FATMA),
            ("buurtbegroting-manage", "/manage", WIJKMANAGER),
            ("buurtbegroting-edit-line", "/lines/7/edit", WIJKMANAGER),
            ("buurtbegroting-answer", "/challenges/2/answer", WIJKMANAGER),
            ("buurtbegroting-import", "/import", WIJKMANAGER),
        ]
    ],
    Page("buurtbegroting-amsterdam", f"/g/amsterdam/indische-buurt/buurtbegroting/{BUDGET_YEAR}"),
    Page("buurtbegroting-municipality", f"/g/amsterdam/buurtbegroting/{BUDGET_YEAR}"),
    Page(
        "buurtbegroting-wijken",
        "/g/groningen/korrewegwijk/buurtbegroting/manage",
        login=WIJKMANAGER,
    ),
    Page("buurtbegroting-data", "/buurtbegroting/data-dictionary"),
    Page(
        "buurtbegroting-import-errors",
        f"/g/groningen/korrewegwijk/buurtbegroting/{BUDGET_YEAR}/import",
        login=WIJKMANAGER,
        status=422,
        then=upload_budget_file([["X-1", "sport", "gemeente", "G", "Fout", "", "1,250"]]),
    ),
    Page(
        "buurtbegroting-import-preview",
        f"/g/groningen/korrewegwijk/buurtbegroting/{BUDGET_YEAR}/import",
        login=WIJKMANAGER,
        then=upload_budget_file([["GRN-KW-09", "wonen", "gemeente", "G", "Bankjes", "", "4000"]]),
    ),
    # buurtcontract and outcomes (Woensel-West: this year's contract, version 2 in force
    # with goals 5-8; next year's draft with the goals carried over)
    Page("buurtcontract", f"{WOENSEL_WEST}/buurtcontract"),
    Page("buurtcontract-year", f"{WOENSEL_WEST}/buurtcontract/{THIS_YEAR}"),
    Page("buurtcontract-changes", f"{WOENSEL_WEST}/buurtcontract/{THIS_YEAR}/v2/changes"),
    Page("buurtcontract-goal", f"{WOENSEL_WEST}/buurtcontract/{THIS_YEAR}/goals/5"),
    Page(
        "buurtcontract-owner", f"{WOENSEL_WEST}/buurtcontract/{THIS_YEAR}/goals/5", login=EINDHOVEN
    ),
    Page("buurtcontract-draft", f"{WOENSEL_WEST}/buurtcontract/{THIS_YEAR + 1}/v1", login=OLENA),
    Page(
        "buurtcontract-new-goal",
        f"{WOENSEL_WEST}/buurtcontract/{THIS_YEAR + 1}/v1/goals/new",
        login=OLENA,
    ),
    Page("bewonersraad", f"{WOENSEL_WEST}/bewonersraad", login=EINDHOVEN),
    Page("outcomes-wijk", f"{WOENSEL_WEST}/outcomes"),
    Page("outcomes-municipality", "/g/eindhoven/outcomes"),
    Page("outcomes-import", "/g/eindhoven/outcomes/import", login=ADMIN),
    # who takes part: the Dapperbuurt has a counted round, every demo wijk example languages
    Page("participation-wijk", "/g/amsterdam/dapperbuurt/participation"),
    Page("participation-municipality", "/g/groningen/participation"),
    Page(
        "participation-people",
        "/g/groningen/korrewegwijk/participation/people",
        login=WIJKMANAGER,
    ),
    Page(
        "participation-languages",
        "/g/groningen/korrewegwijk/participation/languages",
        login=WIJKMANAGER,
    ),
    # campaigns: 1 = De Bruisplaats (ended, funded), 2 = the garden (running); gift 12 is a
    # bank transfer Yusuf promised to the garden
    Page("campaigns", "/g/groningen/korrewegwijk/campaigns"),
    Page("campaigns-municipality", "/g/groningen/campaigns"),
    Page("campaign", "/campaigns/2"),
    Page("campaign-funded", "/campaigns/1"),
    Page("campaign-widget", "/campaigns/2/widget"),
    Page("campaign-give", "/campaigns/2/give", login=PIOTR),
    Page("campaign-pledge", "/campaigns/pledges/12", login="yusuf@demo.samenhang.nl"),
    Page("campaign-edit", "/campaigns/2/edit", login=FATMA),
    Page("campaign-manage", "/campaigns/2/manage", login=FATMA),
    Page("campaign-manage-funded", "/campaigns/1/manage", login=WIJKMANAGER),
    Page("campaign-decide", "/campaigns/2/decide", login=WIJKMANAGER),
]
LOCALES = ["nl", "ar"]
WIDTHS = [360, 1280]
WEIGHT_LIMIT = 100_000  # bytes as sent (gzip): document, CSS, JS and fonts, photos not counted


# -- axe ------------------------------------------------------------------------------------


def run_axe(page: BrowserPage, axe_source: str) -> list[dict[str, Any]]:
    """The WCAG 2.0/2.1 A and AA violations on the page. axe is evaluated through the
    DevTools protocol, so the page's own CSP (no inline script) stays in force."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return list(result["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{v['helpUrl']}]")
        for node in v["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def choose_language(page: BrowserPage, locale: str) -> Response | None:
    """Open the language disclosure of the header and choose a language, as a resident would."""
    button = f".language-switcher button[value={locale}]"
    if not page.is_visible(button):
        page.click(".language-switcher summary")
    with page.expect_navigation() as navigation:
        page.click(button)
    return navigation.value


def open_page(page: BrowserPage, spec: Page, locale: str) -> Response | None:
    """Open the page in the locale. A signed-in user's own language wins over the cookie,
    so for them the language switcher is used, as a resident would."""
    response = page.goto(spec.path)
    if page.get_attribute("html", "lang") != locale:
        response = choose_language(page, locale)
    if spec.then:
        response = spec.then(page) or response
    return response


def check_status(spec: Page, response: Response | None) -> None:
    assert response is not None, f"{spec.name}: no response"
    assert response.status == spec.status, f"{spec.name}: HTTP {response.status} at {response.url}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_is_accessible(
    axe_source: str,  # first, so that a missing axe.min.js skips before the app starts
    new_context: NewContext,
    screenshots: Path,
    spec: Page,
    locale: str,
    width: int,
) -> None:
    page = new_context(width=width, locale=locale, login=spec.login).new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = open_page(page, spec, locale)
    page.screenshot(path=screenshots / f"{spec.name}-{locale}-{width}.png", full_page=True)

    check_status(spec, response)
    assert page.get_attribute("html", "lang") == locale
    assert page.get_attribute("html", "dir") == ("rtl" if locale == "ar" else "ltr")
    violations = run_axe(page, axe_source)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if violations:
        print(f"axe, {spec.name} {locale} {width}px:\n{format_violations(violations)}")
    assert not blocking, f"serious or critical axe violations:\n{format_violations(blocking)}"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width}px wide at {width}px"
    assert not csp_errors, csp_errors


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_first_load_is_light(new_context: NewContext, spec: Page) -> None:
    """Under 100 KB on first load without photos: no cache, everything but images counted,
    and no web fonts at all."""
    page = new_context(width=360, locale="nl", login=spec.login).new_page()
    page.route("**/*", lambda route: route.continue_())  # routing turns Chromium's cache off
    started: list[Request] = []
    finished: list[Request] = []

    def on_request(request: Request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            started.clear()  # count only what the last page load brought in
        started.append(request)

    page.on("request", on_request)
    page.on("requestfinished", lambda request: finished.append(request))
    check_status(spec, open_page(page, spec, "nl"))
    counted = [r for r in started if r in finished and r.resource_type not in {"image", "media"}]
    assert not [r.url for r in counted if r.resource_type == "font"], "no web fonts"
    sizes = {}
    for r in counted:
        transferred = r.sizes()
        sizes[f"{r.resource_type} {r.url}"] = (
            transferred["responseHeadersSize"] + transferred["responseBodySize"]
        )
    assert any(r.resource_type == "document" for r in counted), "the page load was not seen"
    assert sum(sizes.values()) < WEIGHT_LIMIT, sizes


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_works_without_javascript(new_context: NewContext, spec: Page) -> None:
    page = new_context(width=360, locale="ar", login=spec.login, javascript=False).new_page()
    check_status(spec, open_page(page, spec, "ar"))
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("main h1").count() == 1
    assert page.locator("main h1").is_visible()


def test_signin_and_language_switch_work_without_javascript(new_context: NewContext) -> None:
    page = new_context(locale="nl", javascript=False).new_page()
    page.goto("/signin")
    page.fill("#email", "piotr@demo.samenhang.nl")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith("/")
    assert page.locator("form[action='/signout']").count() == 1
    choose_language(page, "ar")
    assert page.get_attribute("html", "dir") == "rtl"
    choose_language(page, "nl")
    assert page.get_attribute("html", "lang") == "nl"


# -- keyboard only --------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
    value: el.getAttribute('value'), href: el.getAttribute('href'),
    text: (el.innerText || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: (() => { const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
        && r.left < window.innerWidth; })(),
  };
}"""


def tab_to(page: BrowserPage, selector: str, max_presses: int = 40) -> dict[str, Any]:
    """Press Tab until the element matching the selector has the focus; every element on
    the way must show a visible focus outline and be on screen."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":
            continue
        assert focused["outline"], f"no visible focus outline on {focused}"
        assert focused["onScreen"], f"the focused element is not on screen: {focused}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return focused
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("locale", LOCALES)
def test_keyboard_only_sign_in_and_language_change(new_context: NewContext, locale: str) -> None:
    page = new_context(width=360, locale=locale).new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["href"] == "#main", "the first Tab reaches the skip link"
    assert page.evaluate(FOCUSED)["onScreen"], "the skip link shows when it has the focus"

    tab_to(page, "a[href='/signin']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#email")
    page.keyboard.type("olena@demo.samenhang.nl")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["id"] == "password", "Tab goes from e-mail to password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("form[action='/signout']").count() == 1, "signed in"

    other = "ar" if locale == "nl" else "nl"
    tab_to(page, ".language-switcher summary")
    page.keyboard.press("Enter")  # opens the disclosure
    tab_to(page, f".language-switcher button[value={other}]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == other
    assert page.get_attribute("html", "dir") == ("rtl" if other == "ar" else "ltr")


@pytest.mark.parametrize("locale", LOCALES)
def test_keyboard_only_submit_an_initiative(new_context: NewContext, locale: str) -> None:
    page = new_context(width=360, locale=locale, login="olena@demo.samenhang.nl").new_page()
    page.goto("/g/eindhoven/woensel-west/initiatives/new")
    tab_to(page, "#title")
    page.keyboard.type(f"Buurtbibliotheek ({locale})")
    page.keyboard.press("Tab")
    page.keyboard.type("Een kastje met boeken bij de speeltuin.")
    page.keyboard.press("Tab")
    page.keyboard.type("Iedereen mag een boek lenen of brengen.")
    tab_to(page, "#themes-6")  # meedoen
    page.keyboard.press("Space")
    tab_to(page, "#budget_lines-0-description")
    page.keyboard.type("Kastje")
    page.keyboard.press("Tab")
    page.keyboard.type("85,50")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rsplit("/", 1)[-1].isdigit(), f"the draft page opens: {page.url}"
    tab_to(page, "form[action$='/submit'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".badge-submitted").count() == 1, "sent to the wijkmanager"


@pytest.mark.parametrize("locale", LOCALES)
def test_keyboard_only_cast_a_ballot(new_context: NewContext, locale: str) -> None:
    page = new_context(width=360, locale=locale).new_page()
    page.goto("/stemdag/1/vote")
    tab_to(page, "input[name=project]")
    page.keyboard.press("Space")
    assert page.locator("input[name=project]:checked").count() == 1
    tab_to(page, "button[value=review]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#code")
    page.keyboard.type(next(_DEMO_STEMCODES))
    tab_to(page, "#age_confirmed")
    page.keyboard.press("Space")
    tab_to(page, "form[action$='/vote/cast'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/vote/receipt"), page.url
    assert page.locator(".confirmation[role=status]").count() == 1, "the vote is counted"
    assert len(page.inner_text(".receipt-code").strip()) >= 8, "a receipt code is shown"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_radio_button_stands_before_its_label(new_context: NewContext, locale: str) -> None:
    """NL Design System orders a field's label before its input for its own grid; in a
    row of a radio group the button must come first: left of the words in Dutch, right of
    them in Arabic (the age question on the ballot's review step)."""
    page = new_context(width=360, locale=locale).new_page()
    page.goto("/stemdag/1/vote")
    choose_stemdag_projects(page)
    row = page.locator(".radio-group .field-check").first
    button = row.locator("input[type=radio]").bounding_box()
    label = row.locator("label").bounding_box()
    assert button is not None and label is not None
    if locale == "ar":
        assert button["x"] >= label["x"] + label["width"] - 1, (button, label)
    else:
        assert button["x"] + button["width"] <= label["x"] + 1, (button, label)
