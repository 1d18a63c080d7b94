"""Checking an uploaded image: the importer's types and size limit, the file's real content, SVG cleaned."""
from __future__ import annotations

from pathlib import PurePosixPath

from flask_babel import lazy_gettext as _l

from ..courses.importer import ASSET_TYPES, MAX_ASSET_BYTES
from ..courses.svg_sanitizer import SvgRefused, clean_svg
from .draft_files import IMAGES_DIR, slugify

MAX_MEGABYTES = MAX_ASSET_BYTES // 1024 // 1024

REFUSALS = {
    "type": _l("Images must be PNG, JPEG, WebP or SVG files."),
    "content": _l("This file is not really a picture of the type its name says."),
    "size": _l("The image is larger than %(mb)d MB. Make it smaller and upload it again.", mb=MAX_MEGABYTES),
    "empty": _l("The file is empty."),
}


class ImageRefused(ValueError):
    """Raised with a key of REFUSALS, or "svg" and the sanitizer's own message."""

    def __init__(self, key: str, message=None):
        super().__init__(key)
        self._message = message

    @property
    def message(self) -> str:
        return str(self._message if self._message is not None else REFUSALS[self.args[0]])


def _looks_like(content_type: str, data: bytes) -> bool:
    if content_type == "image/png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if content_type == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:65536].lower()


def check_image(filename: str, data: bytes) -> tuple[str, str, bytes]:
    """Return (path in the course folder, content type, bytes to store) for an acceptable image; raise ImageRefused.

    An SVG is stored cleaned (lms/courses/svg_sanitizer.py): scripts, handlers and outside links removed.
    """
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    suffix = PurePosixPath(name).suffix.lower()
    content_type = ASSET_TYPES.get(suffix)
    if content_type is None:
        raise ImageRefused("type")
    if not data:
        raise ImageRefused("empty")
    if len(data) > MAX_ASSET_BYTES:
        raise ImageRefused("size")
    if not _looks_like(content_type, data):
        raise ImageRefused("content")
    if content_type == "image/svg+xml":
        try:
            data = clean_svg(data)
        except SvgRefused as refused:
            raise ImageRefused("svg", refused.message) from None
    stem = slugify(PurePosixPath(name).stem, "gambar")
    return f"{IMAGES_DIR}{stem}{suffix}", content_type, data
