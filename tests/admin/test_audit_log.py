"""The audit log reads as sentences in the admin's language, names who caused each entry, and fits a phone."""
import re

from tests.certificates.fixtures import certify  # noqa: F401 F811 (a fixture: tests name it as a parameter)


def entry_of(page: str, action_label: str) -> str:
    found = re.search(r'<li class="card audit-entry">\s*<p class="audit-head"><strong>' + re.escape(action_label)
                      + r"</strong>.*?</li>", page, re.S)
    assert found, action_label
    return found.group(0)


def test_entries_are_sentences_not_stored_keys(browser, make_user, certify):  # noqa: F811
    make_user("admin", phone="+6281100000001", full_name="Admin Utama")
    learner = make_user(phone="+6281400000001", full_name="Ibu Sari")
    certify(user=learner)  # she completes a course in the app: her own doing
    browser.login("081100000001")
    browser.post_form(f"/admin/pengguna/{learner.id}/peran", {"role": "trainer"}, form_url="/admin/pengguna")
    browser.post_form(f"/admin/pengguna/{learner.id}/kode-reset", {"reason": "HP hilang"})
    page = browser.get("/admin/audit").get_data(as_text=True)

    issued = entry_of(page, "Sertifikat diterbitkan")
    assert "Ibu Sari" in issued.split("<dt>Siapa</dt>")[1].split("</dd>")[0]  # the learner, not "the system"
    assert "Diterbitkan karena peserta menyelesaikan kursus." in issued
    role = entry_of(page, "Peran diubah")
    assert "Dari Peserta belajar menjadi Pelatih / pendamping." in role and "Admin Utama" in role
    code = entry_of(page, "Kode ganti kata sandi dibuat")
    assert "Alasan: HP hilang" in code
    for stored_key in ("old:", "new:", "cause:", "cycle:", "reason:", "channel:", "target_role:"):
        assert stored_key not in page, stored_key
    assert "<table" not in page  # one card per entry: nothing cut off at 360 px


def test_in_english_too(browser, make_user):
    make_user("admin", phone="+6281100000001", locale="en")
    learner = make_user()
    browser.login("081100000001")
    browser.post_form(f"/admin/pengguna/{learner.id}/peran", {"role": "trainer"}, form_url="/admin/pengguna")
    page = browser.get("/admin/audit").get_data(as_text=True)
    assert "From Learner to Trainer / care manager." in page
