"""Why a project won or lost, and what a voter's ballot achieved, in plain words.

The engine never builds sentences. It returns an `Explanation`: a message code and its
parameters. The English templates live here, marked with `N_` (or `Nn_` for a sentence
whose words follow a count) so Babel extracts them; `render` translates a template first
and fills in the parameters after, so translators see `{cost}`, never an amount.

Stored explanations (a round's result, a job's error) keep only the code and the
parameters, so a template may change from one form to plural forms without touching them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

#: A parameter value: an amount in the instance's unit, a count, or a name.
Param = int | float | str


def N_(s: str) -> str:
    """Mark a string for translation without translating it (yet)."""
    return s


@dataclass(frozen=True, slots=True)
class Plural:
    """A sentence whose words follow the number in parameter `count`: Polish, Ukrainian and
    Arabic change the noun with the number ("1 punkt", "2 punkty", "5 punktów")."""

    singular: str
    plural: str
    count: str


def Nn_(singular: str, plural: str, count: str) -> Plural:
    """Mark a singular and plural pair for translation (Babel keyword `Nn_:1,2`)."""
    return Plural(singular, plural, count)


@dataclass(frozen=True, slots=True)
class Sentences:
    """Two counts, two sentences: each takes its own plural form, and `JOIN` (translated)
    puts them side by side, since one sentence cannot follow two numbers at once."""

    first: Plural
    second: Plural


#: How two sentences stand side by side; a language that writes them differently says so.
JOIN = N_("{first} {second}")

Template = str | Plural | Sentences


@dataclass(frozen=True, slots=True)
class Explanation:
    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params)}


#: Parameters holding money, in the instance's integer unit; everything else is a count
#: or a name.
MONEY_PARAMS = frozenset(
    {"amount", "budget", "cap_left", "cost", "end", "left", "max_share", "spent", "start"}
)

TEMPLATES: dict[str, Template] = {
    # Greedy: projects in order of support, funded while they fit.
    "greedy.funded": Nn_(
        "Funded: it had {support} vote, and its cost of {cost} fit in the {left} that was left.",
        "Funded: it had {support} votes, and its cost of {cost} fit in the {left} that was left.",
        "support",
    ),
    "greedy.funded.points": Nn_(
        "Funded: it had {support} point, and its cost of {cost} fit in the {left} that was left.",
        "Funded: it had {support} points, and its cost of {cost} fit in the {left} that was left.",
        "support",
    ),
    "greedy.too_expensive": N_(
        "Not funded: it costs {cost}, but only {left} was left when its turn came."
    ),
    "greedy.stopped": N_(
        "Not funded: counting stopped at “{blocker}”, which did not fit in the {left} that was"
        " left."
    ),
    "greedy.over_cap": N_("Not funded: over the category cap for {category}."),
    "greedy.over_cap_leftover": N_(
        "Not funded: over the category cap for {category}, and the {left} left over was not enough."
    ),
    "greedy.category_stopped": N_(
        "Not funded: counting for {category} stopped at a project that did not fit."
    ),
    "greedy.funded_leftover": Nn_(
        "Funded from the money left over: it had {support} vote, and its cost of {cost} fit"
        " in the {left} that was left.",
        "Funded from the money left over: it had {support} votes, and its cost of {cost} fit"
        " in the {left} that was left.",
        "support",
    ),
    "greedy.funded_leftover.points": Nn_(
        "Funded from the money left over: it had {support} point, and its cost of {cost} fit"
        " in the {left} that was left.",
        "Funded from the money left over: it had {support} points, and its cost of {cost} fit"
        " in the {left} that was left.",
        "support",
    ),
    "greedy.partly_funded": N_(
        "Partly funded from the money left over: it gets {amount} of the {cost} it costs."
    ),
    "no_support": N_("Not funded: nobody voted for it."),
    # Method of Equal Shares.
    "mes.funded": Nn_(
        "Funded: {supporters} supporter paid its cost of {cost}, paying at most {max_share}.",
        "Funded: {supporters} supporters shared its cost of {cost}, each paying at most"
        " {max_share}.",
        "supporters",
    ),
    "mes.not_affordable": N_(
        "Not funded: after the funded projects, its supporters had {left} left of the {cost}"
        " it costs."
    ),
    "mes.add1": N_(
        "Each voter's share of the budget was raised from {start} to {end}, so that more of"
        " the budget is used."
    ),
    "comparison.mes_won": Sentences(
        Nn_(
            "Equal shares was compared with most votes: {mes} voter preferred equal shares.",
            "Equal shares was compared with most votes: {mes} voters preferred equal shares.",
            "mes",
        ),
        Nn_(
            "{greedy} voter preferred most votes, so equal shares is used.",
            "{greedy} voters preferred most votes, so equal shares is used.",
            "greedy",
        ),
    ),
    "comparison.greedy_won": Sentences(
        Nn_(
            "Equal shares was compared with most votes: {mes} voter preferred equal shares.",
            "Equal shares was compared with most votes: {mes} voters preferred equal shares.",
            "mes",
        ),
        Nn_(
            "{greedy} voter preferred most votes, so most votes is used.",
            "{greedy} voters preferred most votes, so most votes is used.",
            "greedy",
        ),
    ),
    # One voter's view of the result.
    "voter.share": N_("{amount} of the {spent} spent went to projects you voted for."),
    "voter.funded_count": N_("Projects you voted for that were funded: {funded} of {chosen}."),
    # Problems with a ballot.
    "ballot.unknown_project": N_("There is no project {project} in this vote."),
    "ballot.repeated_project": N_("A project is chosen more than once."),
    "ballot.too_few": N_("Choose more projects: you chose {count}, the minimum is {limit}."),
    "ballot.too_many": N_("Choose fewer projects: you chose {count}, the maximum is {limit}."),
    "ballot.too_cheap": N_("Your projects cost {cost} together; the minimum is {budget}."),
    "ballot.too_expensive": N_("Your projects cost {cost} together; the maximum is {budget}."),
    "ballot.too_few_points": Nn_(
        "You gave {points} point; give at least {limit}.",
        "You gave {points} points; give at least {limit}.",
        "points",
    ),
    "ballot.too_many_points": Nn_(
        "You gave {points} point; give at most {limit}.",
        "You gave {points} points; give at most {limit}.",
        "points",
    ),
    "ballot.points_too_low": Nn_(
        "Each project needs at least {limit} point; one has {points}.",
        "Each project needs at least {limit} points; one has {points}.",
        "limit",
    ),
    "ballot.points_too_high": Nn_(
        "A project can get at most {limit} point; one has {points}.",
        "A project can get at most {limit} points; one has {points}.",
        "limit",
    ),
    # Problems with a request to count.
    "rule.unknown": N_("Unknown rule “{rule}”. Choose one of: {choices}."),
    "rule.caps_need_greedy": N_("Category budgets only work with the greedy rule."),
    "rule.unknown_category": N_("No project has the category “{category}”."),
    "rule.bad_category_budget": N_(
        "Write a category budget as NAME=AMOUNT with a whole amount, not “{value}”."
    ),
    # Problems in a .pb file.
    "pb.empty": N_("The file is empty."),
    "pb.not_utf8": N_("The file is not UTF-8 text."),
    "pb.not_gzip": N_("The file name ends in .gz, but the file is not gzip-compressed."),
    "pb.unreadable": N_("This line cannot be read: {detail}."),
    "pb.no_meta": N_("The file must start with a META section."),
    "pb.section_order": N_(
        "The {section} section is in the wrong place: the order is META, PROJECTS, VOTES."
    ),
    "pb.missing_section": N_("The {section} section is missing."),
    "pb.missing_column": N_("The {section} table has no {column} column."),
    "pb.field_count": Nn_(
        "Expected {expected} field, found {found}.",
        "Expected {expected} fields, found {found}.",
        "expected",
    ),
    "pb.missing_meta": N_("META has no {key}."),
    "pb.empty_field": N_("The {column} field is empty."),
    "pb.not_amount": N_("{key} must be a whole amount of 0 or more, not “{value}”."),
    "pb.not_whole_number": N_("{key} must be a whole number, not “{value}”."),
    "pb.not_positive": N_("{key} must be a number above 0, not “{value}”."),
    "pb.two_caps": N_("Only one budget_per_… entry is supported, not both {first} and {second}."),
    "pb.unknown_vote_type": N_("Unknown vote_type “{value}”."),
    "pb.unknown_leftover": N_("Unknown leftover_budget “{value}”."),
    "pb.cap_count": Sentences(
        Nn_("{key} has {found} amount.", "{key} has {found} amounts.", "found"),
        Nn_(
            "It needs one for each of its {expected} name.",
            "It needs one for each of its {expected} names.",
            "expected",
        ),
    ),
    "pb.count_mismatch": N_("META says {key} is {expected}, but the file has {found}."),
    "pb.duplicate_project": N_("Project {project} is listed twice."),
    "pb.duplicate_voter": N_("Voter {voter} is listed twice."),
    "pb.unknown_project": N_("The vote names project {project}, which is not in PROJECTS."),
    "pb.repeated_in_vote": N_("The vote names project {project} twice."),
    "pb.points_count": Sentences(
        Nn_(
            "The vote names {projects} project.", "The vote names {projects} projects.", "projects"
        ),
        Nn_("But it has {points} point.", "But it has {points} points.", "points"),
    ),
}


def template_messages(template: Template) -> tuple[str, ...]:
    """Every English message a template is built from (both forms of each plural)."""
    if isinstance(template, str):
        return (template,)
    if isinstance(template, Plural):
        return (template.singular, template.plural)
    return template_messages(template.first) + template_messages(template.second)


def format_amount(amount: Param) -> str:
    """Default money format: the bare amount in the instance's unit, with thousands commas."""
    return f"{amount:,}" if isinstance(amount, int | float) else str(amount)


def format_count(value: Param) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return value


def english_ngettext(singular: str, plural: str, n: int) -> str:
    """The untranslated pair: the singular for exactly one."""
    return singular if n == 1 else plural


#: The number that picks the plural form of a weighted, non-whole count ("12.5 votes"):
#: catalogs have no form of their own for fractions, and 100 takes the plural in nl and en,
#: "many" in pl and uk and "other" in ar, the forms closest to CLDR's fraction form.
FRACTION_FORM = 100


def plural_number(value: Param) -> int:
    """The whole number ngettext chooses a form by."""
    if isinstance(value, str):
        try:
            value = float(value.replace(",", ""))
        except ValueError:
            return FRACTION_FORM
    return int(value) if float(value).is_integer() else FRACTION_FORM


def template_text(
    template: Template,
    params: Mapping[str, Param],
    gettext: Callable[[str], str] = lambda s: s,
    ngettext: Callable[[str, str, int], str] = english_ngettext,
) -> str:
    """The translated template, not yet filled in; a plural takes the form for its count."""
    if isinstance(template, str):
        return gettext(template)
    if isinstance(template, Plural):
        return ngettext(template.singular, template.plural, plural_number(params[template.count]))
    first = template_text(template.first, params, gettext, ngettext)
    second = template_text(template.second, params, gettext, ngettext)
    # format() does not look inside what it inserts: the sentences keep their placeholders.
    return gettext(JOIN).format(first=first, second=second)


def render(
    explanation: Explanation,
    gettext: Callable[[str], str] = lambda s: s,
    format_money: Callable[[Param], str] = format_amount,
    format_number: Callable[[Param], str] = format_count,
    ngettext: Callable[[str, str, int], str] = english_ngettext,
) -> str:
    """The explanation as a sentence: translated first, then filled in. Pass `ngettext`
    along with `gettext`, or a counted noun stays in English."""
    template = template_text(TEMPLATES[explanation.code], explanation.params, gettext, ngettext)
    values = {
        key: format_money(value) if key in MONEY_PARAMS else format_number(value)
        for key, value in explanation.params.items()
    }
    return template.format(**values)


def number_param(value: int | Fraction | float) -> int | float:
    """A count that may be weighted, as a JSON-friendly number."""
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        return int(value)
    return round(float(value), 2)
