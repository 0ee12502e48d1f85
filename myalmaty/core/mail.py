"""Outgoing e-mail: through SMTP when configured, otherwise written to the log.

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

log = logging.getLogger("myalmaty.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send_mail(to: str, subject: str, body: str) -> Mail:
    mail = Mail(to=to, subject=str(subject), body=str(body))
    config = current_app.config
    if config.get("TESTING"):
        current_app.extensions.setdefault("mail_outbox", []).append(mail)
    if not config.get("MAIL_SERVER"):
        log.info("Mail to %s\nSubject: %s\n\n%s", mail.to, mail.subject, mail.body)
        return mail
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # A mail server that is down must not turn a moderator's decision into an error page.
        log.exception("Could not send mail to %s: %s", mail.to, mail.subject)
    return mail
