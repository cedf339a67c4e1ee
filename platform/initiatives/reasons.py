"""Reason templates a wijkmanager starts from; shown in the initiator's own language."""

from flask_babel import lazy_gettext as _l

REASON_TEMPLATES = [
    _l("Thank you for your idea. It fits the wijk well, so we publish it."),
    _l("Please add the costs: what do you need, and what does each thing cost?"),
    _l("Please explain who will do the work, and who in the wijk takes part."),
    _l("Your idea needs permission from the municipality first. We will help you ask for it."),
    _l("This idea is not for the wijk budget, because the municipality already pays for it."),
    _l("This idea does not fit the rules of the wijk budget. You can ask us why."),
]
