"""Outgoing e-mail: to the log in development, SMTP in production, a list in tests."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale

log = logging.getLogger(__name__)

#: Mails kept back instead of delivered, while `held_mail()` runs.
_held: ContextVar[list[Mail] | None] = ContextVar("held_mail", default=None)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send_template(to: str, template: str, locale: str, **context: object) -> Mail:
    """Render `templates/mail/<template>.txt` in the recipient's language and send it.

    The template's first line is the subject.
    """
    # Mails from a command or a job need a request context for their absolute links.
    request_context = (
        nullcontext()
        if has_request_context()
        else current_app.test_request_context(base_url=current_app.config["BASE_URL"])
    )
    with request_context, force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    mail = Mail(to=to, subject=subject.strip(), body=body.strip() + "\n")
    deliver(mail)
    return mail


@contextmanager
def held_mail() -> Iterator[list[Mail]]:
    """Keep every mail sent inside back (in the list it yields) instead of delivering it:
    building demo data notifies made-up people, whose mails nobody should get or read."""
    held: list[Mail] = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


def deliver(mail: Mail) -> None:
    """Send `mail`: through the job queue when there is one (a slow or absent mail server
    then delays no request, and a failed delivery is tried again), else now."""
    held = _held.get()
    if held is not None:
        held.append(mail)
        return
    from samenhang import jobs

    if jobs.queued() and current_app.config["MAIL_BACKEND"] == "smtp":
        jobs.enqueue(
            "samenhang.mail.deliver_queued",
            mail.to,
            mail.subject,
            mail.body,
            description=f"e-mail: {mail.subject}",
        )
        return
    deliver_now(mail)


def deliver_queued(to: str, subject: str, body: str) -> None:
    """What the worker runs for a queued mail; an SMTP error makes RQ try again later."""
    deliver_now(Mail(to=to, subject=subject, body=body))


def deliver_now(mail: Mail) -> None:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("outbox", []).append(mail)
    elif backend == "console":
        log.warning("E-mail to %s: %s\n%s", mail.to, mail.subject, mail.body)
    elif backend == "smtp":
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    else:
        raise RuntimeError(f"unknown SAMENHANG_MAIL_BACKEND {backend!r}")
