"""Outgoing e-mail: through SMTP as a background job when configured, otherwise written to the log.

Development and tests have no mail server; the log (logger `myalmaty.mail`, written to the
console by `myalmaty.core.logs`) shows each message whole, links included, so a registration or
password-reset link can be copied from it. Under TESTING the messages are also kept in
`app.extensions["mail_outbox"]`.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

from myalmaty.core.jobs import enqueue

log = logging.getLogger("myalmaty.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    # Extra headers, e.g. List-Unsubscribe on notifications (RFC 8058).
    headers: tuple[tuple[str, str], ...] = ()


def send_mail(to: str, subject: str, body: str,
              headers: dict[str, str] | None = None) -> Mail:
    """Send one message: as a background job through SMTP, or written to the log."""
    mail = Mail(to=to, subject=str(subject), body=str(body),
                headers=tuple((headers or {}).items()))
    config = current_app.config
    if config.get("TESTING"):
        current_app.extensions.setdefault("mail_outbox", []).append(mail)
    if not config.get("MAIL_SERVER"):
        log.info("Mail to %s\nSubject: %s\n\n%s", mail.to, mail.subject, mail.body)
        return mail
    # A mail server that is slow or down must neither hold up a resident's request (nor tell,
    # by how long it takes, whether an address has an account) nor lose the message.
    enqueue(deliver, mail.to, mail.subject, mail.body, dict(mail.headers))
    return mail


def deliver(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """The job: hand one message to the SMTP server. It raises on failure, so the queue retries."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    log.info("Mail sent to %s: %s", to, subject)
