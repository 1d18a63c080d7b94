"""The privacy notice on a phone: registering with the consent fields, the notice itself, and a new version."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from lms.accounts import privacy
from tests.e2e.conftest import check_accessibility


def axe(page, name: str, javascript: bool) -> None:
    if javascript:  # axe-core runs as a script in the page
        check_accessibility(page, name)


def _register_without_consent(page, live_server):
    page.goto(live_server("/daftar"))
    page.get_by_label("Nama lengkap").fill("Komang Ayu Lestari")
    page.get_by_label("Nomor HP atau e-mail").fill("0812-3456-7000")
    page.get_by_label("Kata sandi", exact=True).fill("merawat nenek setiap hari")
    page.get_by_label("Ulangi kata sandi").fill("merawat nenek setiap hari")
    # Sent without the box ticked nor the age chosen: both are asked for, the typed name stays.
    page.get_by_role("button", name="Buat akun").click()
    page.wait_for_load_state()
    assert "Centang kotak untuk menyetujui pemberitahuan privasi." in page.content()
    assert "Pilih kelompok umur Anda." in page.content()
    assert page.get_by_label("Nama lengkap").input_value() == "Komang Ayu Lestari"
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_registering_on_a_phone_with_the_privacy_notice(live_server, new_page, shots, javascript, monkeypatch,
                                                        tmp_path):
    page = new_page(javascript=javascript, refused_forms=True)
    page.goto(live_server("/daftar"))
    assert page.viewport_size == {"width": 360, "height": 800}
    shots(page, "register")
    axe(page, "registration", javascript)
    if javascript:  # no sideways scrolling on a small phone, the new fields included
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The notice opens in a tab of its own, readable without an account.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Baca pemberitahuan privasi").click()
    notice = opened.value
    notice.wait_for_load_state()
    assert notice.url.endswith("/privasi")
    text = notice.locator("main").inner_text()
    assert "Versi 1, berlaku sejak 4 Desember 2026" in text and "3 tahun" in text and "Pasal 32" in text
    shots(notice, "notice")
    axe(notice, "privacy notice", javascript)
    notice.get_by_role("button", name="EN").click()
    notice.wait_for_load_state()
    text = notice.locator("main").inner_text()
    assert "Version 1, in force from December 4, 2026" in text and "3 years" in text and "Article 32" in text
    shots(notice, "notice-en")
    notice.close()
    page.context.clear_cookies()  # the language chosen there is the context's: back to Indonesian

    _register_without_consent(page, live_server)
    shots(page, "register-refused")
    axe(page, "registration refused", javascript)
    page.get_by_label("Kata sandi", exact=True).fill("merawat nenek setiap hari")
    page.get_by_label("Ulangi kata sandi").fill("merawat nenek setiap hari")
    page.get_by_label("Saya berumur di bawah 17 tahun dan orang tua atau wali saya setuju").check()
    page.get_by_label("Nama orang tua atau wali Anda").fill("Ibu Made Sari")
    page.get_by_label("Saya sudah membaca pemberitahuan privasi dan setuju.").check()
    shots(page, "register-filled")
    page.get_by_role("button", name="Buat akun").click()
    page.wait_for_load_state()
    assert "Selamat datang" in page.content() and page.url.endswith("/dasbor")

    # A new version of the notice (the live server runs in this process): the next page asks again, then goes on
    # where the person was going.
    folder = tmp_path / "notices"
    shutil.copytree(privacy.NOTICE_DIR, folder)
    for language in ("id", "en"):
        shutil.copy(folder / f"privacy-v1.{language}.md", folder / f"privacy-v2.{language}.md")
    monkeypatch.setattr(privacy, "NOTICE_DIR", folder)
    monkeypatch.setattr(privacy, "NOTICES", (*privacy.NOTICES, (2, date(2027, 3, 1))))
    page.goto(live_server("/kursus"))
    assert "/privasi/setuju?next=/kursus" in page.url
    assert "Pemberitahuan privasi kami sudah berubah." in page.content()
    assert page.get_by_label("Nama orang tua atau wali Anda").input_value() == "Ibu Made Sari"
    shots(page, "consent-new-version")
    axe(page, "consent page", javascript)
    page.get_by_label("Saya sudah membaca pemberitahuan privasi dan setuju.").check()
    page.get_by_role("button", name="Setuju dan lanjutkan").click()
    page.wait_for_load_state()
    assert page.url.endswith("/kursus")
