from __future__ import annotations

import factory

from factories.base import ModelFactory
from samenhang.places.models import Municipality, Wijk, WijkPostcode


class MunicipalityFactory(ModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    slug = factory.Sequence(lambda n: f"gemeente-{n}")
    cbs_code = factory.Sequence(lambda n: f"GM{n:04d}")


class WijkFactory(ModelFactory):
    class Meta:
        model = Wijk

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.Sequence(lambda n: f"wijk-{n}")
    cbs_code = factory.Sequence(lambda n: f"WK{n:06d}")


class WijkPostcodeFactory(ModelFactory):
    class Meta:
        model = WijkPostcode

    wijk = factory.SubFactory(WijkFactory)
    postcode4 = factory.Sequence(lambda n: f"{1000 + n % 9000}")
