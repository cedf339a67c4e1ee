"""The indicators an import may hold, after the Outcomemonitor of the 40 aandachtswijken.

Each belongs to one theme and says whether a higher value is better, so that "distance to the
city average" is positive where the wijk does better than its city, whatever the indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from samenhang.initiatives.models import Theme


@dataclass(frozen=True)
class Indicator:
    key: str
    theme: Theme
    title: Any
    #: The unit as shown after a value, e.g. "%" or "per 1,000 residents".
    unit: Any
    higher_is_better: bool


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in [
        Indicator("leefbaarometer", Theme.wonen, _l("Leefbaarometer score"), _l("score"), True),
        Indicator("woz_waarde", Theme.wonen, _l("Average home value (WOZ)"), _l("× €1,000"), True),
        Indicator(
            "misdrijven",
            Theme.veiligheid,
            _l("Recorded crimes"),
            _l("per 1,000 residents"),
            False,
        ),
        Indicator("onveilig", Theme.veiligheid, _l("Residents who feel unsafe"), "%", False),
        Indicator(
            "schoolverlaters", Theme.leren, _l("Young people leaving school early"), "%", False
        ),
        Indicator("startkwalificatie", Theme.leren, _l("Young adults with a diploma"), "%", True),
        Indicator("werkloosheid", Theme.werken, _l("Unemployment"), "%", False),
        Indicator("arbeidsparticipatie", Theme.werken, _l("People in work"), "%", True),
        Indicator(
            "inkomen", Theme.inkomen, _l("Average income per resident"), _l("× €1,000"), True
        ),
        Indicator("laag_inkomen", Theme.inkomen, _l("Households with a low income"), "%", False),
        Indicator("goede_gezondheid", Theme.gezondheid, _l("Residents in good health"), "%", True),
        Indicator("overgewicht", Theme.gezondheid, _l("Adults with overweight"), "%", False),
        Indicator("vrijwilligers", Theme.meedoen, _l("Residents who volunteer"), "%", True),
        Indicator("eenzaamheid", Theme.meedoen, _l("Residents who feel lonely"), "%", False),
    ]
}
