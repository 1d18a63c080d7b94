"""Zip files of a course in the content/ format: one top folder named by the slug.

Writing is deterministic (sorted names, fixed dates and permissions), so the same
files always give the same zip. Reading trusts nothing in the archive: sizes are
checked while decompressing, paths must stay inside the course folder, and text
must be UTF-8, SVG drawings are cleaned (or refused when they do not parse safely);
the caller then runs the importer's checks on what was read.
"""
from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..courses.content_files import SLUG_RE
from ..courses.importer import MAX_ASSET_BYTES
from ..courses.svg_sanitizer import SvgRefused, clean_svg
from .draft_files import IMAGES_DIR

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: largest zip accepted for upload
MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 500
#: largest text file (a lesson of this size is some 40,000 words)
MAX_TEXT_BYTES = 256 * 1024
#: all files together, uncompressed
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_PATH_LENGTH = 200
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
#: a file of the zip to read, with its path split at "/"
_Entry = tuple[zipfile.ZipInfo, list[str]]


def build_zip(slug: str, files: dict[str, str], images: dict[str, bytes]) -> bytes:
    """A zip of the course folder `slug`: text files as UTF-8 and images as they are."""
    entries = [(f"{slug}/{path}", text.encode("utf-8")) for path, text in files.items()]
    entries += [(f"{slug}/{path}", data) for path, data in images.items()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


@dataclass
class ZipProblem:
    message: object  # a lazy, translatable message
    path: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else str(self.message)


class ZipRefused(Exception):
    def __init__(self, problems: list[ZipProblem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass
class CourseArchive:
    slug: str
    files: dict[str, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)


def _skipped(parts: list[str]) -> bool:
    """Hidden files and the folders some zip programs add; the importer ignores them too."""
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts if part not in (".", ".."))


def _path_problem(name: str):
    if name.startswith(("/", "\\")) or _DRIVE_RE.match(name):
        return _l("absolute paths are not allowed")
    if "\\" in name:
        return _l("paths must use '/' as separator")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return _l("'..' is not allowed in a path")
    if any(part in ("", ".") for part in parts):
        return _l("empty or '.' parts are not allowed in a path")
    if len(name) > MAX_PATH_LENGTH:
        return _l("the path is longer than %(n)d characters", n=MAX_PATH_LENGTH)
    return None


class _EntryRefused(Exception):
    """One file of the zip cannot be taken; its problem is listed with the others."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _too_large_in_total() -> ZipProblem:
    return ZipProblem(_l("The files in the zip add up to more than %(mb)d MB.", mb=MAX_TOTAL_BYTES // 1024 // 1024))


def _open_zip(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The archive and its entries; ZipRefused when it is too large, no zip, or holds too many files."""
    if len(data) > MAX_ZIP_BYTES:
        raise ZipRefused([ZipProblem(_l("The zip file is larger than %(mb)d MB.", mb=MAX_ZIP_BYTES // 1024 // 1024))])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ZipRefused([ZipProblem(_l("This is not a zip file."))]) from None
    if len(infos) > MAX_ENTRIES:
        raise ZipRefused([ZipProblem(_l("The zip holds more than %(n)d files.", n=MAX_ENTRIES))])
    return archive, infos


def _entry_problem(info: zipfile.ZipInfo, parts: list[str]):
    """Why a file (not a folder, not skipped) with a safe path cannot be taken, or None."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return _l("links are not allowed")
    if info.flag_bits & 0x1:
        return _l("encrypted files are not supported")
    if len(parts) < 2:
        return _l("every file must be inside one folder named like the course")
    return None


def _wanted_entries(infos: list[zipfile.ZipInfo], problems: list[ZipProblem]) -> list[_Entry]:
    """The files to read with their path parts, from what the entries declare (nothing decompressed yet)."""
    wanted: list[_Entry] = []
    declared = 0
    for info in infos:
        name = info.filename
        parts = name.rstrip("/").split("/")
        problem = _path_problem(name)
        if problem is None:
            if info.is_dir() or _skipped(parts):
                continue
            problem = _entry_problem(info, parts)
        if problem is not None:
            problems.append(ZipProblem(problem, name))
            continue
        declared += info.file_size
        wanted.append((info, parts))
    if declared > MAX_TOTAL_BYTES:
        problems.append(_too_large_in_total())
    return wanted


def _course_folder(wanted: list[_Entry], problems: list[ZipProblem]) -> str:
    """The one top folder every file is in (the course's slug); a problem is listed when there is not one ("")."""
    tops = sorted({parts[0] for _info, parts in wanted})
    if len(tops) > 1:
        problems.append(ZipProblem(_l("The zip must hold exactly one course folder; found %(names)s.",
                                      names=", ".join(tops))))
    elif not tops and not problems:
        problems.append(ZipProblem(_l("The zip holds no course folder.")))
    elif tops and (not SLUG_RE.match(tops[0]) or len(tops[0]) > 80):
        problems.append(ZipProblem(_l("course folder names use lower-case letters, digits and '-' only"), tops[0]))
    return tops[0] if tops else ""


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, parts: list[str], is_image: bool) -> bytes:
    """The bytes of one file, decompressed no further than its limit; _EntryRefused when it cannot be."""
    if is_image and len(parts) != 3:
        raise _EntryRefused(_l("the images/ folder holds files only, no folders"))
    limit = MAX_ASSET_BYTES if is_image else MAX_TEXT_BYTES
    try:
        with archive.open(info) as handle:
            content = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        raise _EntryRefused(_l("the file is damaged and cannot be read")) from None
    if len(content) > limit:
        raise _EntryRefused(_l("the file is larger than %(kb)d KB", kb=limit // 1024))
    return content


def _as_text(content: bytes) -> str:
    """A text file's content; _EntryRefused when it is not UTF-8 or holds a NUL."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise _EntryRefused(_l("the file is not UTF-8 text")) from None
    if "\x00" in text:
        raise _EntryRefused(_l("the file contains a NUL character, so it is not text"))
    return text


def _add(course: CourseArchive, relative: str, content: bytes, is_image: bool) -> None:
    """Put one file into the course: a picture as it is (an SVG drawing cleaned), a text file as text."""
    if not is_image:
        course.files[relative] = _as_text(content)
    elif relative.lower().endswith(".svg"):
        try:
            course.images[relative] = clean_svg(content)
        except SvgRefused as refused:
            raise _EntryRefused(refused.message) from None
    else:
        course.images[relative] = content


def _read_course(archive: zipfile.ZipFile, slug: str, wanted: list[_Entry],
                 problems: list[ZipProblem]) -> CourseArchive:
    """Every wanted file read into the course, counting what is really decompressed against the total."""
    course = CourseArchive(slug=slug)
    total = 0
    for info, parts in wanted:
        relative = "/".join(parts[1:])
        is_image = relative.startswith(IMAGES_DIR)
        try:
            content = _read_entry(archive, info, parts, is_image)
            total += len(content)
            if total > MAX_TOTAL_BYTES:
                problems.append(_too_large_in_total())
                break
            _add(course, relative, content, is_image)
        except _EntryRefused as refused:
            problems.append(ZipProblem(refused.message, info.filename))
    return course


def read_zip(data: bytes) -> CourseArchive:
    """The course folder in a zip, or ZipRefused listing every problem found."""
    archive, infos = _open_zip(data)
    problems: list[ZipProblem] = []
    wanted = _wanted_entries(infos, problems)
    slug = _course_folder(wanted, problems)
    if problems:
        raise ZipRefused(problems)
    course = _read_course(archive, slug, wanted, problems)
    if problems:
        raise ZipRefused(problems)
    course.files = dict(sorted(course.files.items()))
    course.images = dict(sorted(course.images.items()))
    return course
