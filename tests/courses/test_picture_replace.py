"""A photo replaced at the same path gets new phone copies (the old ones go first)."""
import io

from PIL import Image
from sqlalchemy import select

from lms.courses.importer import import_content
from lms.courses.models import CourseAsset
from lms.extensions import db
from tests.factories import write_course

LESSON = [{"slug": "modul-satu", "title": "Modul Satu", "lessons": [
    {"slug": "pelajaran-a", "title": "A", "body": "![Foto](images/foto.png)\n"}]}]


def photo(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 900), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_reimporting_a_changed_photo_replaces_its_phone_copies(tmp_path):
    root = tmp_path / "content"
    folder = write_course(root, modules=LESSON, images={"foto.png": photo((200, 30, 30))})
    import_content(folder)
    db.session.commit()
    first = {v.width: v.sha256 for v in db.session.scalar(select(CourseAsset)).variants}
    folder = write_course(root, modules=LESSON, images={"foto.png": photo((30, 30, 200))},
                          course={"version": 2})
    import_content(folder)
    db.session.commit()
    db.session.expire_all()
    second = {v.width: v.sha256 for v in db.session.scalar(select(CourseAsset)).variants}
    assert first.keys() == second.keys() and len(first) >= 1
    assert all(first[width] != second[width] for width in first)
