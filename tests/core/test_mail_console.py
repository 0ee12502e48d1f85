"""Without a mail server, mail is printed on the console, so a registration or reset link
can be followed on a fresh install."""

import logging

from flask import Flask

from myalmaty.core import mail


def _app(**config: object) -> Flask:
    app = Flask("mail-console")
    app.config.update({"MAIL_SERVER": "", **config})
    return app


def test_without_a_mail_server_the_message_reaches_the_console(capsys):
    app = _app()
    try:
        mail.init_app(app)
        with app.app_context():
            mail.send_mail("aigerim@example.kz", "Finish registering", "Open https://x/finish/abc")
        printed = capsys.readouterr().err
        assert "aigerim@example.kz" in printed and "https://x/finish/abc" in printed
    finally:
        mail.log.handlers.clear()
        mail.log.setLevel(logging.NOTSET)


def test_with_a_mail_server_or_under_tests_nothing_is_added():
    mail.init_app(_app(MAIL_SERVER="smtp.example.kz"))
    mail.init_app(_app(TESTING=True))
    assert mail.log.handlers == []
