"""Issue #19: the browser editor writes a module's practical skills (skills.yaml) and the course's practice setting.

What the editor writes is what the exporter writes, checked by the importer's own reader: a skill made,
edited, reordered and removed through the pages publishes with its steps in order and their critical
flags, and exporting the published course gives the same file back. A refused skill comes back with
every input as typed and a message beside the input it is about.
"""
from __future__ import annotations

import html
import re

import pytest
import yaml
from sqlalchemy import select

from lms.accounts.models import Role
from lms.authoring.exporter import export_course
from lms.authoring.models import CourseDraft, Publication
from lms.courses.models import Skill, SkillStep
from lms.extensions import db

from .conftest import course_by_slug

SKILLS_FILE = "01-modul-satu/skills.yaml"


@pytest.fixture
def draft(make_draft):
    return make_draft()


@pytest.fixture
def editor(trainer, sign_in):
    return sign_in(trainer, lang="en")


def files(draft) -> dict[str, str]:
    return db.session.get(CourseDraft, draft.id).files


def skills_of(draft, path=SKILLS_FILE) -> list[dict]:
    text = files(draft).get(path)
    return yaml.safe_load(text)["skills"] if text else []


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def skill_data(steps, *, title="Mencuci tangan dengan sabun", why="Tangan bersih mencegah infeksi.",
               performed_on="person", competency_unit="", key="", keys=None):
    """The skill form's fields; `steps` are (text, critical) rows, `keys` the rows' hidden ids."""
    data = {"key": key, "title": title, "why": why, "performed_on": performed_on,
            "competency_unit": competency_unit, "submit": "Save skill"}
    for index, (text, critical) in enumerate(steps):
        data[f"steps-{index}-text"] = text
        data[f"steps-{index}-key"] = (keys or [])[index] if index < len(keys or []) else ""
        if critical:
            data[f"steps-{index}-critical"] = "y"
    return data


WASH = [("Membasahi tangan dengan air mengalir", False), ("Menggosok tangan dengan sabun 20 detik", True),
        ("Membilas tangan", False), ("Mengeringkan tangan dengan lap bersih", False)]
TURN = [("Menjelaskan kepada lansia apa yang akan dilakukan", False), ("Mengunci roda tempat tidur", True),
        ("Memiringkan lansia ke arah perawat", True)]


def new_skill_url(draft, module="modul-satu"):
    return f"/tulis/{draft.id}/modul/{module}/keterampilan-baru"


def skill_url(draft, key, module="modul-satu"):
    return f"/tulis/{draft.id}/modul/{module}/keterampilan/{key}"


def set_practice(editor, draft, practice):
    return editor.post_form(f"/tulis/{draft.id}/pengaturan", {
        "title": "Kursus Uji", "summary": "Ringkasan kursus uji.", "audience": "Keluarga pendamping.",
        "language": "id", "pass_mark": "70", "certificate_validity_months": "24", "authors": "Tim Uji",
        "practice": practice, "sources-0-title": "Panduan", "sources-0-publisher": "WHO", "sources-0-year": "2019"})


# --- writing, editing, reordering, removing, publishing ---------------------------------------------------


def test_a_skill_is_written_to_skills_yaml_as_the_exporter_writes_it(draft, editor):
    response = editor.post_form(new_skill_url(draft), skill_data(WASH, competency_unit="Q.87OOO00.001.1"))
    assert response.status_code == 302, text_of(response)[-2000:]
    assert response.headers["Location"].endswith("/modul/modul-satu#s-mencuci-tangan-dengan-sabun")
    assert files(draft)[SKILLS_FILE] == (
        "skills:\n"
        "- id: mencuci-tangan-dengan-sabun\n"
        "  title: Mencuci tangan dengan sabun\n"
        "  why: Tangan bersih mencegah infeksi.\n"
        "  competency_unit: Q.87OOO00.001.1\n"
        "  steps:\n"
        "  - Membasahi tangan dengan air mengalir\n"
        "  - text: Menggosok tangan dengan sabun 20 detik\n"
        "    critical: true\n"
        "  - Membilas tangan\n"
        "  - Mengeringkan tangan dengan lap bersih\n")
    page = editor.get(f"/tulis/{draft.id}/modul/modul-satu")
    assert "Mencuci tangan dengan sabun" in text_of(page) and "4 steps" in text_of(page)
    assert "Practical skills · 1 skill" in text_of(editor.get(f"/tulis/{draft.id}"))


def test_skills_are_edited_reordered_removed_and_published_with_their_steps_in_order(draft, editor):
    assert set_practice(editor, draft, "required").status_code == 302
    assert editor.post_form(new_skill_url(draft), skill_data(WASH, key="mencuci-tangan")).status_code == 302
    assert editor.post_form(new_skill_url(draft), skill_data(TURN, title="Memiringkan lansia", why="Mencegah luka.",
                                                             performed_on="doll")).status_code == 302
    assert editor.post_form(new_skill_url(draft), skill_data(TURN, title="Dihapus nanti", key="dihapus")
                            ).status_code == 302
    assert [s["id"] for s in skills_of(draft)] == ["mencuci-tangan", "memiringkan-lansia", "dihapus"]

    # edit: a step moved to the top keeps its id, a corrected one keeps its row's, a new one gets a new id
    page = editor.get(skill_url(draft, "mencuci-tangan")).get_data(as_text=True)
    assert 'value="Menggosok tangan dengan sabun 20 detik"' in page and 'name="steps-7-text"' in page
    response = editor.post_form(skill_url(draft, "mencuci-tangan"), skill_data(
        [("Menggosok tangan dengan sabun 20 detik", True), ("Membasahi tangan dengan air bersih", False),
         ("Membilas tangan", True), ("", False), ("Mengeringkan tangan dengan tisu", False),
         ("Menutup keran dengan tisu", False)],
        key="diabaikan", keys=["b", "a", "c", "", "d", ""]))
    assert response.status_code == 302, text_of(response)[-2000:]
    assert skills_of(draft)[0]["steps"] == [
        {"id": "b", "text": "Menggosok tangan dengan sabun 20 detik", "critical": True},
        {"id": "a", "text": "Membasahi tangan dengan air bersih"},
        {"text": "Membilas tangan", "critical": True},
        "Mengeringkan tangan dengan tisu",
        "Menutup keran dengan tisu"]
    assert skills_of(draft)[0]["id"] == "mencuci-tangan"  # the id stays whatever is posted

    base = f"/tulis/{draft.id}/modul/modul-satu"
    moved = editor.post_form(f"{base}/keterampilan/memiringkan-lansia/geser", {"direction": "up"}, form_url=base)
    assert moved.status_code == 302 and moved.headers["Location"].endswith("#s-memiringkan-lansia")
    assert "Remove the skill" in editor.get(f"{base}/keterampilan/dihapus/hapus").get_data(as_text=True)
    assert editor.post_form(f"{base}/keterampilan/dihapus/hapus").status_code == 302
    assert [s["id"] for s in skills_of(draft)] == ["memiringkan-lansia", "mencuci-tangan"]
    drafted = files(draft)[SKILLS_FILE]

    published = editor.post_form(f"/tulis/{draft.id}/terbitkan", form_url=f"/tulis/{draft.id}")
    assert published.status_code == 302, text_of(published)[-3000:]
    course = course_by_slug("kursus-tulis")
    assert course.practice == "required"
    skills = db.session.scalars(select(Skill).where(Skill.course_id == course.id).order_by(Skill.position)).all()
    assert [(s.slug, s.performed_on, s.retired_at) for s in skills] == [
        ("memiringkan-lansia", "doll", None), ("mencuci-tangan", "person", None)]
    steps = db.session.scalars(select(SkillStep).where(SkillStep.skill_id == skills[1].id)
                               .order_by(SkillStep.position)).all()
    assert [(s.slug, s.text, s.critical) for s in steps] == [
        ("b", "Menggosok tangan dengan sabun 20 detik", True), ("a", "Membasahi tangan dengan air bersih", False),
        ("c", "Membilas tangan", True), ("d", "Mengeringkan tangan dengan tisu", False),
        ("e", "Menutup keran dengan tisu", False)]
    # export → the same file; the history counts the skills
    assert export_course(course).files[SKILLS_FILE] == drafted
    summary = db.session.scalar(select(Publication.summary).where(Publication.course_id == course.id))
    assert summary["skills_added"] == 2
    assert "2 practical skills" in text_of(editor.get(f"/tulis/{draft.id}"))


def test_a_published_skill_comes_back_into_the_next_draft_and_an_edit_keeps_its_step_ids(make_draft, editor):
    skill = {"id": "memindahkan", "title": "Memindahkan ke kursi roda", "why": "Mencegah jatuh.",
             "steps": [{"text": "Mengunci roda", "critical": True}, "Menjelaskan", "Memindahkan"]}
    draft = make_draft(course={"practice": "optional"},
                       modules=[{"slug": "modul-satu", "title": "Modul Satu", "skills": [skill],
                                 "lessons": [{"slug": "pelajaran-a", "title": "A", "body": "Isi.\n"}]}])
    base = f"/tulis/{draft.id}"
    assert editor.post_form(f"{base}/terbitkan", form_url=base).status_code == 302
    assert editor.post_form(f"{base}/mulai", form_url=base).status_code == 302
    page = editor.get(skill_url(draft, "memindahkan")).get_data(as_text=True)
    assert 'value="Mengunci roda"' in page and 'checked id="steps-0-critical"' in page
    # the trainer swaps two steps with the ↑ button: the form comes back as moved, nothing is saved yet
    before = files(draft)
    form = skill_data([("Mengunci roda", True), ("Menjelaskan", False), ("Memindahkan", False)],
                      title="Memindahkan ke kursi roda", why="Mencegah jatuh.", keys=["a", "b", "c"])
    del form["submit"]
    swapped = editor.post_form(skill_url(draft, "memindahkan"), {**form, "move": "1-up"})
    assert swapped.status_code == 200 and files(draft) == before
    assert "Not saved yet" in text_of(swapped)
    rows = re.findall(r'name="steps-(\d)-(key|text)"[^>]*value="([^"]*)"', swapped.get_data(as_text=True))
    assert rows[:6] == [("0", "key", "b"), ("0", "text", "Menjelaskan"), ("1", "key", "a"),
                        ("1", "text", "Mengunci roda"), ("2", "key", "c"), ("2", "text", "Memindahkan")]
    more = editor.post_form(skill_url(draft, "memindahkan"), {**form, "more_rows": "More rows"})
    assert more.status_code == 200 and 'name="steps-11-text"' in more.get_data(as_text=True)
    saved = editor.post_form(skill_url(draft, "memindahkan"), skill_data(
        [("Menjelaskan", False), ("Mengunci roda", True), ("Memindahkan", False)],
        title="Memindahkan ke kursi roda", why="Mencegah jatuh.", keys=["b", "a", "c"]))
    assert saved.status_code == 302
    assert editor.post_form(f"{base}/terbitkan", form_url=base).status_code == 302
    skill_row = db.session.scalar(select(Skill).where(Skill.slug == "memindahkan"))
    steps = db.session.scalars(select(SkillStep).where(SkillStep.skill_id == skill_row.id)
                               .order_by(SkillStep.position)).all()
    assert [(s.slug, s.position, s.critical) for s in steps] == [("b", 1, False), ("a", 2, True), ("c", 3, False)]
    history = text_of(editor.get(base))
    assert "1 practical skill changed" in history


def test_removing_the_last_skill_removes_the_file(draft, editor):
    editor.post_form(new_skill_url(draft), skill_data(WASH, key="satu"))
    assert SKILLS_FILE in files(draft)
    editor.post_form(f"{skill_url(draft, 'satu')}/hapus")
    assert SKILLS_FILE not in files(draft)


# --- refused input: a clear message, nothing lost -------------------------------------------------------------


@pytest.mark.parametrize("data, message, target", [
    (skill_data([(text, False) for text, _c in WASH]),
     "Mark at least one step as critical: a step that must be done for a safe result.", "steps"),
    (skill_data(WASH[:2]), "A skill needs 3 to 15 steps; it has 2.", "steps"),
    (skill_data(WASH, key="Cuci Tangan!"), "Use lower-case letters, digits and '-' only", "key"),
    (skill_data(WASH, key="sudah-ada"), "This short name is already used in the course", "key"),
    (skill_data(WASH, title="x" * 121), "The skill title is longer than 120 characters. Make it shorter.", "title"),
    (skill_data(WASH, title=""), "The skill title is missing. Fill it in.", "title"),
    (skill_data(WASH, why=""), "Why it matters is missing. Fill it in.", "why"),
    (skill_data(WASH, competency_unit="K" * 41), "The competency unit code is longer than 40 characters.",
     "competency_unit"),
    (skill_data([WASH[0], ("y" * 201, True), WASH[2]]),
     "The text of step 2 is longer than 200 characters. Make it shorter.", "steps-1-text"),
    (skill_data([WASH[0], WASH[1], ("z" * 201, False)]),
     "The text of step 3 is longer than 200 characters. Make it shorter.", "steps-2-text"),
    (skill_data(WASH, performed_on="kursi"),
     "Say whether the skill is shown on the person (person) or on a doll or pillow (doll).", "performed_on"),
])
def test_a_refused_skill_comes_back_as_typed_with_the_message_beside_its_input(make_draft, editor, data, message,
                                                                              target):
    other = {"id": "sudah-ada", "title": "Sudah ada", "why": "Di modul lain.",
             "steps": [{"text": "Satu", "critical": True}, "Dua", "Tiga"]}
    draft = make_draft(course={"practice": "optional"}, modules=[
        {"slug": "modul-satu", "title": "Modul Satu", "lessons": [{"slug": "a", "title": "A", "body": "Isi.\n"}]},
        {"slug": "modul-dua", "title": "Modul Dua", "skills": [other],
         "lessons": [{"slug": "b", "title": "B", "body": "Isi.\n"}]}])
    before = files(draft)
    response = editor.post_form(new_skill_url(draft), data)
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert files(draft) == before
    assert "The skill was not saved:" in page and message in html.unescape(page)
    assert f'href="#{target}"' in page  # the summary line leads to the input
    for index, (text, _critical) in enumerate(WASH[:2]):  # nothing typed is lost
        if data.get(f"steps-{index}-text") == text:
            assert f'value="{html.escape(text)}"' in page
    if data["title"]:
        assert html.escape(data["title"], quote=True) in page


def test_a_broken_skill_in_a_zip_is_named_on_the_course_page_with_a_link_to_it(make_draft, course_folder, editor):
    draft = make_draft()
    editor.post_form(new_skill_url(draft), skill_data(WASH, key="cuci"))
    page = text_of(editor.get(f"/tulis/{draft.id}"))
    assert ("Course settings: The course has practical skills: say whether they are required for the certificate "
            "or optional.") in page
    assert set_practice(editor, draft, "optional").status_code == 302
    draft_row = db.session.get(CourseDraft, draft.id)
    draft_row.files = {**draft_row.files, SKILLS_FILE: draft_row.files[SKILLS_FILE].replace(
        "    critical: true\n", "")}
    db.session.commit()
    response = editor.get(f"/tulis/{draft.id}")
    assert ("Practical skills of Module 1 “Modul Satu”, skill 1 “Mencuci tangan dengan sabun”: Mark at least one "
            "step as critical") in text_of(response)
    assert f'<a href="/tulis/{draft.id}/modul/modul-satu/keterampilan/cuci">Edit the skill</a>' in \
        response.get_data(as_text=True)


# --- the practice setting ----------------------------------------------------------------------------------


def test_the_practice_setting_is_explained_and_written_to_course_yaml(draft, editor):
    page = text_of(editor.get(f"/tulis/{draft.id}/pengaturan"))
    for words in ("Required The certificate is given only after a care manager has seen the learner do every skill "
                  "well.", "Optional A care manager may observe the skills; the certificate does not wait for them.",
                  "None The course has no practical skills."):
        assert words in page
    assert set_practice(editor, draft, "required").status_code == 302
    assert yaml.safe_load(files(draft)["course.yaml"])["practice"] == "required"
    page = editor.get(f"/tulis/{draft.id}/pengaturan").get_data(as_text=True)
    assert re.search(r'<input [^>]*checked[^>]*value="required"', page)
    assert set_practice(editor, draft, "none").status_code == 302
    assert "practice" not in yaml.safe_load(files(draft)["course.yaml"])  # the default is left out
    refused = set_practice(editor, draft, "kadang")
    assert refused.status_code == 400 and "Choose required, optional or none." in text_of(refused)


# --- who may do this ----------------------------------------------------------------------------------------


@pytest.fixture
def skilled(make_draft):
    skill = {"id": "cuci", "title": "Cuci tangan", "why": "Bersih.",
             "steps": [{"text": "Satu", "critical": True}, "Dua", "Tiga"]}
    return make_draft(course={"practice": "optional"}, modules=[
        {"slug": "modul-satu", "title": "Modul Satu", "skills": [skill],
         "lessons": [{"slug": "a", "title": "A", "body": "Isi.\n"}]}])


PAGES = ["/modul/modul-satu", "/modul/modul-satu/keterampilan-baru", "/modul/modul-satu/keterampilan/cuci",
         "/modul/modul-satu/keterampilan/cuci/hapus"]
ACTIONS = [
    ("/modul/modul-satu/keterampilan-baru", skill_data(WASH)),
    ("/modul/modul-satu/keterampilan/cuci", skill_data(WASH, title="Diubah")),
    ("/modul/modul-satu/keterampilan/cuci/geser", {"direction": "down"}),
    ("/modul/modul-satu/keterampilan/cuci/hapus", {}),
]


@pytest.mark.parametrize("path", PAGES)
def test_another_trainer_gets_403_and_an_admin_opens_every_skill_page(skilled, sign_in, path):
    assert sign_in(Role.TRAINER, lang="en").get(f"/tulis/{skilled.id}{path}").status_code == 403
    assert sign_in(Role.LEARNER, lang="en").get(f"/tulis/{skilled.id}{path}").status_code == 403
    assert sign_in(Role.ADMIN, lang="en").get(f"/tulis/{skilled.id}{path}").status_code == 200


@pytest.mark.parametrize("path, data", ACTIONS)
def test_another_trainer_cannot_change_a_skill(skilled, sign_in, path, data):
    before = dict(skilled.files)
    browser = sign_in(Role.TRAINER, lang="en")
    assert browser.post_form(f"/tulis/{skilled.id}{path}", data, form_url="/tulis").status_code == 403
    assert db.session.get(CourseDraft, skilled.id).files == before


def test_a_co_author_edits_skills_and_posts_need_their_token(skilled, make_user, sign_in, client):
    from lms.authoring.models import CourseAuthor

    colleague = make_user(Role.TRAINER, phone="+6281299990002")
    db.session.add(CourseAuthor(draft_id=skilled.id, user_id=colleague.id, role="co_author"))
    db.session.commit()
    browser = sign_in(colleague, lang="en")
    url = f"/tulis/{skilled.id}/modul/modul-satu/keterampilan/cuci"
    assert browser.post_form(url, skill_data(WASH, title="Diubah rekan")).status_code == 302
    assert "Diubah rekan" in db.session.get(CourseDraft, skilled.id).files[SKILLS_FILE]
    without_token = browser.client.post(url, data=skill_data(WASH, title="Tanpa token"))
    assert without_token.status_code == 400
    assert "Tanpa token" not in db.session.get(CourseDraft, skilled.id).files[SKILLS_FILE]


def test_unknown_skills_and_modules_are_404(skilled, sign_in, trainer):
    browser = sign_in(trainer, lang="en")
    base = f"/tulis/{skilled.id}/modul"
    assert browser.get(f"{base}/modul-satu/keterampilan/tidak-ada").status_code == 404
    assert browser.get(f"{base}/tidak-ada/keterampilan-baru").status_code == 404
    assert browser.post_form(f"{base}/modul-satu/keterampilan/tidak-ada/geser", {"direction": "up"},
                             form_url=f"{base}/modul-satu").status_code == 404


def test_the_settings_of_a_course_with_many_sources_open_and_keep_them_all(make_draft, editor):
    """The shipped courses name up to 39 sources; their settings page (where practice is set) opens."""
    sources = [{"title": f"Panduan {n}", "publisher": "Kemenkes RI", "year": 2020} for n in range(1, 41)]
    draft = make_draft(course={"sources": sources})
    page = editor.get(f"/tulis/{draft.id}/pengaturan")
    assert page.status_code == 200 and 'name="sources-41-title"' in page.get_data(as_text=True)
    data = {"title": "Kursus Uji", "summary": "Ringkasan kursus uji.", "audience": "Keluarga pendamping.",
            "language": "id", "pass_mark": "70", "certificate_validity_months": "24", "authors": "Tim Uji",
            "practice": "optional"}
    for index, source in enumerate(sources):
        data.update({f"sources-{index}-{key}": str(value) for key, value in source.items()})
    assert editor.post_form(f"/tulis/{draft.id}/pengaturan", data).status_code == 302
    written = yaml.safe_load(files(draft)["course.yaml"])
    assert written["practice"] == "optional" and written["sources"] == sources
