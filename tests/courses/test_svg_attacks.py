"""SVG pictures in course files: known attacks come out harmless, files that hide entities are refused."""
from __future__ import annotations

import pytest

from lms.courses.importer import ContentError, import_content
from lms.extensions import db
from tests.factories import write_course

from .svg_payloads import ATTACKS, REFUSED, assert_harmless

LESSON = [{"slug": "m", "title": "M", "lessons": [{"slug": "a", "title": "A", "body": "![Gambar](images/a.svg)\n"}]}]
#: what the importer says of each refusal (content/ problems are in English, like every other one)
IMPORTER_SAYS = {"entities": "the SVG declares entities", "malformed": "the SVG is not well-formed XML",
                 "not_svg": "the file is not an SVG drawing"}


@pytest.mark.parametrize("payload", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_attack_in_a_course_folder_is_served_harmless_and_sandboxed(client, make_course, payload):
    make_course(images={"a.svg": payload}, modules=LESSON)
    served = client.get("/kursus/kursus-uji/aset/images/a.svg")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert_harmless(served.data)
    policy = served.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy


@pytest.mark.parametrize("payload, reason", REFUSED.values(), ids=REFUSED.keys())
def test_svgs_that_do_not_parse_safely_are_refused_with_a_located_problem(tmp_path, payload, reason):
    folder = write_course(tmp_path, images={"a.svg": payload}, modules=LESSON)
    with pytest.raises(ContentError) as refused:
        import_content(folder)
    problems = [str(problem) for problem in refused.value.problems]
    assert any("images/a.svg" in problem and IMPORTER_SAYS[reason] in problem for problem in problems), problems
    db.session.rollback()


def test_a_broken_svg_is_located_by_its_line(tmp_path):
    folder = write_course(tmp_path, images={"a.svg": REFUSED["broken XML"][0]}, modules=LESSON)
    with pytest.raises(ContentError) as refused:
        import_content(folder)
    located = [str(p) for p in refused.value.problems if p.path.name == "a.svg"]
    assert len(located) == 1 and located[0].endswith("images/a.svg:3: the SVG is not well-formed XML (mismatched tag)")
