"""The courses Rawat ships: no error, no warning of the content checker, and every module prints."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from lms.courses.importer import import_content
from lms.courses.models import Course, Module
from lms.extensions import db, rate_limits

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_check_content_finds_nothing_in_the_shipped_courses(runner):
    result = runner.invoke(args=["lms", "check-content", "--strict", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_every_shipped_module_prints_its_handout(client):
    import_content(CONTENT)
    db.session.commit()
    modules = db.session.execute(select(Course.slug, Module.slug).join(Module.course)
                                 .where(Module.retired_at.is_(None)).order_by(Course.slug, Module.position)).all()
    assert len({course for course, _module in modules}) >= 3
    for course, module in modules:
        rate_limits.reset()  # drawing a handout is rate limited per visitor (HANDOUT_RENDER_RATE_LIMIT)
        response = client.get(f"/kursus/{course}/modul/{module}/handout.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), (course, module)
