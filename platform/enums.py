"""Enums that carry their own translated titles (after Indico's `RichEnum`).

    class PotStatus(LabelledEnum):
        draft = "draft"
        open = "open"
        __labels__ = {draft: _l("Being prepared"), open: _l("Open for applications")}

`PotStatus.draft.label` is the title in the reader's language, `{{ pot.status|label }}` the
same in a template, and `PotStatus.choices()` the `(value, title)` pairs of a form field.
An enum with a second set of titles for another context (a verb on a button, say) declares
it as `__<name>_labels__` and asks for it with `member.label_for("<name>")` or
`{{ member|label("<name>") }}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from wtforms.fields.choices import SelectChoice


class LabelledEnum(StrEnum):
    @classmethod
    def _labels(cls, kind: str = "") -> Mapping[str, Any]:
        name = f"__{kind}_labels__" if kind else "__labels__"
        labels = getattr(cls, name, None)
        if labels is None:
            raise LookupError(f"{cls.__name__} has no {name}")
        return labels  # type: ignore[no-any-return]

    @property
    def label(self) -> str:
        return str(self._labels()[self.value])

    def label_for(self, kind: str) -> str:
        return str(self._labels(kind)[self.value])

    @classmethod
    def choices(cls, kind: str = "", members: Any = None) -> list[SelectChoice]:
        """Form choices in declaration order (or of `members` only, in their order)."""
        labels = cls._labels(kind)
        return [SelectChoice(m.value, labels[m.value]) for m in (members or list(cls))]


def label(value: Any, kind: str = "") -> str:
    """The `|label` template filter; an empty value stays empty."""
    if value is None or value == "":
        return ""
    return value.label_for(kind) if kind else value.label  # type: ignore[no-any-return]
