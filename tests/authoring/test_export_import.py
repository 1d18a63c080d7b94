"""Exporting courses as content/ files and zips, importing zips: faithful, byte-identical, all or nothing."""
from __future__ import annotations

import dataclasses
import io
import stat
import zipfile

import pytest
from sqlalchemy import func, select

from lms.authoring import archive
from lms.authoring.archive import ZipRefused, build_zip, read_zip
from lms.authoring.exporter import export_course
from lms.authoring.models import CourseDraft
from lms.authoring.services import ContentRefused, export_zip, import_zip, publish, start_draft
from lms.courses.importer import apply_course, import_content, parse_content
from lms.extensions import db
from tests.conftest import PROJECT_ROOT
from tests.factories import write_course_files

from .conftest import course_by_slug, zip_of_folder


def _plain(value):
    """A spec as plain data, without the paths it was read from, nor the declared hours (an export leaves
    them out: the hours are computed from the content, and those are compared)."""
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items() if k not in ("path", "declared_hours")}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "path"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("slug", ["perawatan-dasar-lansia", "mendampingi-penyandang-disabilitas"])
def test_exporting_a_content_course_gives_files_the_importer_reads_back_as_the_same_course(tmp_path, slug):
    original = next(spec for spec in parse_content(PROJECT_ROOT / "content") if spec.slug == slug)
    import_content(PROJECT_ROOT / "content" / slug)
    db.session.commit()
    course = course_by_slug(slug)

    exported = export_course(course)
    assert exported.files["course.yaml"].startswith("title: ")
    assert any(path.endswith("/quiz.yaml") for path in exported.files)
    folder = write_course_files(tmp_path, slug, exported.files, {p: d for p, (_t, d) in exported.images.items()})
    again = parse_content(folder)[0]
    assert _plain(again) == _plain(original)

    assert apply_course(again).changes == 0  # importing the export changes nothing
    assert export_course(course_by_slug(slug)).files == exported.files


def test_draft_zip_round_trip_is_byte_identical(make_draft, trainer, tmp_path):
    draft = make_draft()
    first = export_zip(draft, None, source="draft")
    import_zip(first, trainer, draft)
    db.session.commit()
    second = export_zip(db.session.get(CourseDraft, draft.id), None, source="draft")
    assert second == first
    with zipfile.ZipFile(io.BytesIO(first)) as zipped:
        names = zipped.namelist()
    assert names == sorted(names) and all(name.startswith("kursus-tulis/") for name in names)
    assert "kursus-tulis/images/gambar.png" in names and "kursus-tulis/01-modul-satu/quiz.yaml" in names


def test_published_export_import_export_is_byte_identical_through_the_pages(make_draft, trainer, sign_in):
    draft = make_draft()
    publish(draft, trainer)
    db.session.commit()
    browser = sign_in(trainer, lang="en")

    published = browser.get(f"/tulis/{draft.id}/ekspor.zip?versi=terbit")
    assert published.status_code == 200 and published.mimetype == "application/zip"
    assert "kursus-tulis-v1.zip" in published.headers["Content-Disposition"]
    browser.post_form(f"/tulis/{draft.id}/mulai", form_url=f"/tulis/{draft.id}")
    response = browser.post_form(f"/tulis/{draft.id}/impor", {"file": (io.BytesIO(published.data), "k.zip")},
                                 form_url=f"/tulis/{draft.id}", content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    again = browser.get(f"/tulis/{draft.id}/ekspor.zip")
    assert again.data == published.data


def test_exported_files_match_the_files_the_course_was_made_from(course_folder, trainer):
    folder = course_folder()
    draft = import_zip(zip_of_folder(folder), trainer)
    publish(draft, trainer)
    db.session.commit()
    exported = export_course(course_by_slug("kursus-tulis"))
    assert exported.files["01-modul-satu/01-pelajaran-a.md"] == \
        "---\ntitle: Pelajaran A\nminutes: 5\n---\n\nIsi pelajaran A.\n\n![Gambar](images/gambar.png)\n"
    quiz = exported.files["01-modul-satu/quiz.yaml"]
    assert "questions_per_attempt: 2\n" in quiz and "pass_mark" not in quiz and "shuffle" not in quiz
    assert "answer: false" in quiz and "- Basahi\n" in quiz


def _zip(entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in entries.items():
            zipped.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zipped.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize("entries, expected", [
    ({"/etc/passwd": b"x"}, "absolute paths are not allowed"),
    ({"C:/x/course.yaml": b"x"}, "absolute paths are not allowed"),
    ({"kursus/../../evil.md": b"x"}, "'..' is not allowed in a path"),
    ({"../kursus/course.yaml": b"x"}, "'..' is not allowed in a path"),
    ({"kursus\\course.yaml": b"x"}, "paths must use '/' as separator"),
    ({"course.yaml": b"x"}, "every file must be inside one folder named like the course"),
    ({"satu/course.yaml": b"x", "dua/course.yaml": b"x"}, "exactly one course folder"),
    ({"kursus/01-m/01-a.md": b"\xff\xfe bukan utf-8"}, "the file is not UTF-8 text"),
    ({"kursus/01-m/01-a.md": b"---\ntitle: a\x00b\n"}, "contains a NUL character"),
    ({"kursus/01-m/01-a.md": b"a" * (archive.MAX_TEXT_BYTES + 1)}, "larger than 256 KB"),
    ({"kursus/images/besar.png": b"\0" * (archive.MAX_ASSET_BYTES + 1)}, "larger than 2048 KB"),
    ({"Kursus Saya/course.yaml": b"x"}, "course folder names use lower-case letters"),
    ({"kursus/images/sub/a.png": b"x"}, "holds files only"),
])
def test_unsafe_or_unreadable_zips_are_refused(english, entries, expected):
    with pytest.raises(ZipRefused) as refused, english():
        read_zip(_zip(entries))
    with english():
        assert expected in " ".join(map(str, refused.value.problems))


def test_links_encrypted_flags_and_non_zips_are_refused(english):
    with english():
        with pytest.raises(ZipRefused) as refused:
            read_zip(_zip({"kursus/course.yaml": b"x"}, symlink="kursus/tautan"))
        assert "links are not allowed" in str(refused.value)
        with pytest.raises(ZipRefused) as refused:
            read_zip(b"PK\x03\x04 not really a zip")
        assert "This is not a zip file." in str(refused.value)


def test_zip_bombs_are_refused_without_unpacking_them(english, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1024 * 1024)
    entries = {f"kursus/0{n}-m/01-a.md": b"\0" * 200_000 for n in range(1, 8)}  # 1.4 MB of zeros, tiny zip
    data = _zip(entries)
    assert len(data) < 20_000
    with english(), pytest.raises(ZipRefused) as refused:
        read_zip(data)
    with english():
        assert "add up to more than 1 MB" in str(refused.value)


def test_a_zip_lying_about_its_sizes_is_stopped_while_reading(english):
    data = bytearray(_zip({"kursus/01-m/01-a.md": b"a" * (archive.MAX_TEXT_BYTES * 4)}))
    # Claim a tiny uncompressed size in both headers; reading must still stop at the limit.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset:at + offset + 4] = (10).to_bytes(4, "little")
    with english(), pytest.raises(ZipRefused) as refused:
        read_zip(bytes(data))
    with english():
        assert "larger than 256 KB" in str(refused.value) or "damaged" in str(refused.value)


def test_hidden_files_and_macos_folders_are_ignored(course_folder):
    folder = course_folder()
    data = zip_of_folder(folder)
    extra = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(extra, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("__MACOSX/kursus-tulis/._course.yaml", b"\0\1")
        target.writestr("kursus-tulis/.DS_Store", b"\0\1")
    course = read_zip(extra.getvalue())
    assert ".DS_Store" not in course.files and all(not p.startswith("__MACOSX") for p in course.files)


def test_a_broken_course_zip_is_refused_with_located_problems_and_changes_nothing(
        make_draft, course_folder, trainer, sign_in):
    draft = make_draft()
    before = dict(draft.files)
    broken = course_folder("kursus-rusak")
    quiz = broken / "01-modul-satu" / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace("text: Tidak perlu", "text: Tidak perlu\n    correct: true"))
    (broken / "02-modul-dua" / "01-pelajaran-c.md").write_text("Tanpa front matter.\n")
    data = zip_of_folder(broken)
    browser = sign_in(trainer, lang="en")

    response = browser.post_form(f"/tulis/{draft.id}/impor", {"file": (io.BytesIO(data), "rusak.zip")},
                                 form_url=f"/tulis/{draft.id}", content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in page
    # in the author's words, with the file (whoever made the zip edited files)
    assert "Quiz of Module 1 “Modul Satu”, question 1 “Kapan mencuci tangan?”:</strong> Only one answer " \
           "may be right, but 2 are marked." in page and "<code>01-modul-satu/quiz.yaml:" in page
    assert "The lesson must start with its title and reading time between two lines of ---." in page
    assert "<code>02-modul-dua/01-pelajaran-c.md:1</code>" in page
    assert db.session.get(CourseDraft, draft.id).files == before

    count = db.session.scalar(select(func.count(CourseDraft.id)))
    response = browser.post_form("/tulis/impor", {"file": (io.BytesIO(data), "rusak.zip")}, form_url="/tulis",
                                 content_type="multipart/form-data")
    assert response.status_code == 400 and "Only one answer may be right" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CourseDraft.id))) == count
    assert course_by_slug("kursus-rusak") is None


def test_importing_a_zip_as_a_new_course_makes_an_unpublished_draft(course_folder, trainer, sign_in):
    data = zip_of_folder(course_folder("kursus-baru"))
    browser = sign_in(trainer, lang="en")
    response = browser.post_form("/tulis/impor", {"file": (io.BytesIO(data), "baru.zip")}, form_url="/tulis",
                                 content_type="multipart/form-data")
    assert response.status_code == 302
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.slug == "kursus-baru"))
    assert draft.course_id is None and draft.title == "Kursus Uji" and draft.authors[0].user_id == trainer.id
    assert course_by_slug("kursus-baru") is None
    again = browser.post_form("/tulis/impor", {"file": (io.BytesIO(data), "baru.zip")}, form_url="/tulis",
                              content_type="multipart/form-data")
    assert again.status_code == 400 and "already used by another course" in again.get_data(as_text=True)


def test_start_draft_from_a_published_course_copies_its_images(make_course, make_user, tmp_path):
    from lms.accounts.models import Role
    from lms.authoring.services import draft_images, workspace_for_course

    admin = make_user(Role.ADMIN)
    course = make_course("kursus-gambar", images={"a.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'})
    draft = workspace_for_course(course, admin)
    start_draft(draft, admin)
    db.session.commit()
    assert set(draft_images(draft)) == {"images/a.svg"}
    assert build_zip(draft.slug, draft.files, {"images/a.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'}) == \
        export_zip(draft, course, source="published")


def test_zip_import_refuses_content_problems_before_touching_a_new_course(course_folder, trainer, english):
    folder = course_folder("kursus-kosong", modules=[{"slug": "kosong", "title": "Kosong", "lessons": []}])
    with english(), pytest.raises(ContentRefused) as refused:
        import_zip(zip_of_folder(folder), trainer)
    assert any("a module needs at least one lesson" in p.message for p in refused.value.problems)
    assert refused.value.problems[0].path.startswith("01-kosong")


def test_svgs_in_a_zip_are_cleaned_and_unsafe_ones_refused_with_their_path(course_folder, trainer, english):
    from lms.authoring.services import draft_images
    from tests.courses.svg_payloads import ATTACKS, REFUSED, assert_harmless

    folder = course_folder("kursus-svg")
    (folder / "images" / "jahat.svg").write_bytes(ATTACKS["namespaced script"])
    (folder / "images" / "tautan.svg").write_bytes(ATTACKS["entity-encoded javascript: link"])
    draft = import_zip(zip_of_folder(folder), trainer)
    db.session.commit()
    images = draft_images(draft)
    assert_harmless(images["images/jahat.svg"].data)
    assert_harmless(images["images/tautan.svg"].data)

    (folder / "images" / "tawa.svg").write_bytes(REFUSED["billion laughs"][0])
    (folder / "images" / "rusak.svg").write_bytes(REFUSED["broken XML"][0])
    with english(), pytest.raises(ZipRefused) as refused:
        import_zip(zip_of_folder(folder), trainer, draft)
    with english():
        problems = [str(problem) for problem in refused.value.problems]
    assert problems == [
        "kursus-svg/images/rusak.svg: This SVG file is damaged (line 3), so it cannot be used. "
        "Save the drawing again as plain SVG.",
        "kursus-svg/images/tawa.svg: This SVG declares entities (<!ENTITY …>), a way to hide attacks in a file, "
        "so it cannot be used. Save the drawing again as plain SVG.",
    ]
