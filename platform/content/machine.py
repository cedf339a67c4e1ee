"""The machine-translation provider, off unless SAMENHANG_MACHINE_TRANSLATOR names one.

The setting is a dotted path `package.module:ClassName` to a class with
`translate(text, source, target) -> str` (see `MachineTranslator`); it is built once per
app with the app's config. Its output is never shown before a person checks it.
"""

from __future__ import annotations

from importlib import import_module

from flask import current_app

from samenhang.content.services import MachineTranslator


def machine_translator() -> MachineTranslator | None:
    path = current_app.config.get("MACHINE_TRANSLATOR")
    if not path:
        return None
    cached = current_app.extensions.get("machine_translator")
    if cached is None:
        module_name, _, class_name = path.partition(":")
        cached = getattr(import_module(module_name), class_name)(current_app.config)
        current_app.extensions["machine_translator"] = cached
    return cached
