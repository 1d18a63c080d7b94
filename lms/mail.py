"""Sending e-mail: SMTP when MAIL_SERVER is set, otherwise kept in an outbox and logged.

`send_mail_later` hands the SMTP conversation to a background thread, so a page that may or may
not send mail (forgot password) answers in the same time either way.
"""
from __future__ import annotations

import smtplib
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

from flask import current_app

# Two threads per process are plenty for reset codes; the queue absorbs bursts.
_sender = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rawat-mail")


def outbox() -> list[EmailMessage]:
    """Messages not sent because no SMTP server is configured (development, tests)."""
    return current_app.extensions.setdefault("mail_outbox", [])


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _deliver(settings: dict, message: EmailMessage) -> None:
    with smtplib.SMTP(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=15) as smtp:
        if settings.get("MAIL_USE_TLS"):
            smtp.starttls()
        if settings.get("MAIL_USERNAME"):
            smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
        smtp.send_message(message)


def _settings() -> dict:
    config = current_app.config
    return {key: config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME",
                                             "MAIL_PASSWORD")}


def send_mail(to: str, subject: str, body: str) -> None:
    message = _message(to, subject, body)
    if not current_app.config.get("MAIL_SERVER"):
        outbox().append(message)
        current_app.logger.info("mail not sent (no MAIL_SERVER): %s to %s", subject, to)
        return
    _deliver(_settings(), message)


def send_mail_later(to: str, subject: str, body: str):
    """Queue the message for a background thread; returns the Future (tests wait on it)."""
    message = _message(to, subject, body)
    if not current_app.config.get("MAIL_SERVER"):
        outbox().append(message)
        current_app.logger.info("mail not sent (no MAIL_SERVER): %s to %s", subject, to)
        return None
    logger, settings = current_app.logger, _settings()

    def deliver():
        try:
            _deliver(settings, message)
        except Exception:  # noqa: BLE001 - a failed send is logged; the person can ask again
            logger.exception("sending mail to %s failed", to)
            raise

    return _sender.submit(deliver)
