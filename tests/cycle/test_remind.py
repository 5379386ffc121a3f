"""``hoptac remind`` against a real SMTP listener (aiosmtpd on loopback): who got which mail, never an empty
one, never twice a day; and the SMTP settings read from the environment."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from hoptac.cli import main
from hoptac.cycle.mail import email_settings
from hoptac.cycle.models import ReminderLog, ReminderSetting
from hoptac.records.models import Agency, Occurrence
from hoptac.web.config import ConfigError
from tests.cycle.conftest import World


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    # pytest-django swaps in the in-memory backend: put the real SMTP one back, aimed at the listener
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Sở Ngoại vụ <songoaivu@bacgiang.example>"
    settings.HOPTAC_BASE_URL = "https://hoptac.bacgiang.example"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def addresses(world: World) -> dict[str, str]:
    """The reporters of Sở Ngoại vụ and Sở Y tế have addresses; Sở Nội vụ has its own list; no one else."""
    world.users["reporter"].email = "minh@songoaivu.example"
    world.users["reporter"].save()
    world.users["other_reporter"].email = "hoa@soyte.example"
    world.users["other_reporter"].save()
    noivu = Agency.objects.get(office=world.bg, name="Sở Nội vụ")
    ReminderSetting.objects.create(
        agency=noivu, office=world.bg, emails="vanthu@sonoivu.example\ngiamdoc@sonoivu.example", days_ahead=10
    )
    return {"Sở Ngoại vụ": "minh@songoaivu.example", "Sở Y tế": "hoa@soyte.example"}


def test_remind_sends_one_digest_per_agency_once_a_day(
    world: World, smtp: Inbox, addresses: dict[str, str], capsys: Any
) -> None:
    assert main(["remind", "--date", "2024-10-25", "--office", "bac-giang"]) == 0
    out, err = capsys.readouterr()
    got = {tuple(rcpt) for rcpt, _m in smtp.messages}
    assert got == {
        ("minh@songoaivu.example",),
        ("hoa@soyte.example",),
        ("vanthu@sonoivu.example", "giamdoc@sonoivu.example"),
    }
    for rcpt, msg in smtp.messages:
        body = msg.get_content()
        assert "Kính gửi" in body and body.count("\n- ") >= 1, rcpt  # never an empty digest
        assert str(msg["Subject"]).strip().startswith("[hoptac] ")
    (soyte,) = smtp.to("hoa@soyte.example")
    body = soyte.get_content()
    # Sở Y tế owes its yearly report to Sở Ngoại vụ by 31/10, 6 days ahead: within the default 7
    assert "SẮP ĐẾN HẠN (trong 7 ngày)" in body and "31/10/2024: Báo cáo gửi Sở Ngoại vụ năm 2024" in body
    # and its 2022 and 2023 reports and tasks are overdue
    assert "QUÁ HẠN" in body and "31/10/2023" in body and "Nhiệm vụ II.6.2" in body
    assert "https://hoptac.bacgiang.example/cycle/dues/" in body
    assert str(soyte["Subject"]).strip().startswith("[hoptac] Sở Y tế: ")
    assert soyte["From"] == "Sở Ngoại vụ <songoaivu@bacgiang.example>"
    (ngoaivu,) = smtp.to("minh@songoaivu.example")
    assert "Ủy ban nhân dân tỉnh" in ngoaivu.get_content()  # the office's own 15/11 report, overdue for 2022-23
    assert "Đã gửi Sở Y tế" in out and "3 thư đã gửi" in out
    assert "thiếu địa chỉ" in out
    # an agency that owes something but has no address is named on stderr (Báo Bắc Giang has no reporter)
    assert "hoptac: Báo Bắc Giang: có việc đến hạn nhưng không có địa chỉ thư" in err
    logs = ReminderLog.objects.filter(day="2024-10-25")
    assert logs.count() == 3
    # a second run the same day sends nothing
    assert main(["remind", "--date", "2024-10-25"]) == 0
    assert len(smtp.messages) == 3
    assert "0 thư đã gửi, 3 cơ quan đã nhận hôm nay" in capsys.readouterr().out
    # the next day, again one each
    assert main(["remind", "--date", "2024-10-26"]) == 0
    assert len(smtp.messages) == 6


def test_nothing_due_means_no_mail(world: World, smtp: Inbox, addresses: dict[str, str], capsys: Any) -> None:
    Occurrence.objects.filter(office=world.bg).update(status="done")
    from hoptac.cycle import rules
    from hoptac.cycle.models import ReportDue

    rules.sync(world.bg)
    ReportDue.objects.filter(office=world.bg).update(done_at="2024-01-01T00:00:00Z")
    assert main(["remind", "--date", "2024-10-25", "--office", "bac-giang"]) == 0
    assert smtp.messages == []
    assert not ReminderLog.objects.exists()


def test_disabled_agency_and_days_ahead(world: World, smtp: Inbox, addresses: dict[str, str]) -> None:
    ReminderSetting.objects.create(agency=world.soyte, office=world.bg, enabled=False)
    assert main(["remind", "--date", "2024-10-25", "--office", "bac-giang"]) == 0
    assert smtp.to("hoa@soyte.example") == []
    (noivu,) = smtp.to("vanthu@sonoivu.example")
    assert "SẮP ĐẾN HẠN (trong 10 ngày)" in noivu.get_content()


def test_a_failed_send_is_retried_next_run(world: World, settings: Any, addresses: dict[str, str], capsys: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    assert main(["remind", "--date", "2024-10-25", "--office", "bac-giang"]) == 1
    err = capsys.readouterr().err
    assert "không gửi được thư cho Sở Y tế" in err and "Traceback" not in err
    assert not ReminderLog.objects.exists()  # nothing claimed: tomorrow (or a rerun) tries again


def test_dry_run_sends_nothing(world: World, smtp: Inbox, addresses: dict[str, str], capsys: Any) -> None:
    assert main(["remind", "--date", "2024-10-25", "--dry-run"]) == 0
    assert smtp.messages == [] and not ReminderLog.objects.exists()
    assert "Sẽ gửi Sở Y tế" in capsys.readouterr().out


def test_bad_date_is_one_line(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["remind", "--date", "25/10/2024"])
    assert exc.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


def test_smtp_settings_from_the_environment() -> None:
    got = email_settings(
        {
            "HOPTAC_SMTP_HOST": "mail.bacgiang.gov.vn",
            "HOPTAC_SMTP_PORT": "2525",
            "HOPTAC_SMTP_USER": "hoptac",
            "HOPTAC_SMTP_PASSWORD": "bi-mat",
            "HOPTAC_SMTP_SECURITY": "starttls",
            "HOPTAC_SMTP_FROM": "Sở Ngoại vụ <hoptac@bacgiang.gov.vn>",
        }
    )
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (
        "mail.bacgiang.gov.vn",
        2525,
        True,
        False,
    )
    assert got["DEFAULT_FROM_EMAIL"] == "Sở Ngoại vụ <hoptac@bacgiang.gov.vn>"
    assert email_settings({"HOPTAC_SMTP_SECURITY": "ssl"})["EMAIL_PORT"] == 465
    assert email_settings({"EMAIL_HOST": "smtp.example", "EMAIL_PORT": "26"})["EMAIL_PORT"] == 26


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HOPTAC_SMTP_PORT": "abc"}, "HOPTAC_SMTP_PORT"),
        ({"HOPTAC_SMTP_PORT": "70000"}, "65535"),
        ({"HOPTAC_SMTP_SECURITY": "tls1.3"}, "starttls"),
        ({"HOPTAC_SMTP_HOST": "mail server"}, "HOPTAC_SMTP_HOST"),
        ({"HOPTAC_SMTP_FROM": "not an address"}, "HOPTAC_SMTP_FROM"),
        ({"HOPTAC_SMTP_PASSWORD": "x"}, "HOPTAC_SMTP_USER"),
        ({"HOPTAC_BASE_URL": "hoptac.example"}, "HOPTAC_BASE_URL"),
    ],
)
def test_bad_smtp_settings_fail_loudly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        email_settings(env)
    assert message in str(exc.value) and "\n" not in str(exc.value)
