"""Narration fixtures: a published course authored by a trainer, and real recordings made here.

Recordings are WAV files written with the `wave` module: a voice-like signal (a low pitch with its
harmonics, rising and falling three times a second like syllables). They go through the app's real
conversion (the system's ffprobe and ffmpeg, installed by tools/ensure-system-packages).
"""
from __future__ import annotations

import io
import math
import random
import struct
import wave

import pytest

from lms.authoring.services import import_zip, publish
from lms.extensions import db
from tests.authoring.conftest import course_modules, zip_of_folder
from tests.factories import write_course

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def speech_like_wav(seconds: float, rate: int = 16000, *, level: float = 0.5) -> bytes:
    """A mono 16-bit WAV of a voice-like signal (never clipping: its peak is `level` of full scale)."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        t = i / rate
        syllables = 0.5 * (1 + math.sin(2 * math.pi * 3 * t))
        pitch = 150 + 30 * math.sin(2 * math.pi * 0.5 * t)
        voice = (math.sin(2 * math.pi * pitch * t) + 0.5 * math.sin(4 * math.pi * pitch * t)
                 + 0.25 * math.sin(6 * math.pi * pitch * t)) / 1.75
        frames += struct.pack("<h", int(voice * syllables * level * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def damaged(data: bytes, seed: int = 7) -> bytes:
    """The same file with its middle third overwritten by noise (a broken download or copy)."""
    rng = random.Random(seed)
    broken = bytearray(data)
    for i in range(len(data) // 3, 2 * len(data) // 3):
        broken[i] = rng.getrandbits(8)
    return bytes(broken)


@pytest.fixture(scope="session")
def recording():
    """Five seconds of a voice-like WAV (160 KB)."""
    return speech_like_wav(5)


@pytest.fixture
def published(trainer, tmp_path):
    """A course authored and published in the browser by `trainer`: (draft, course)."""
    folder = write_course(tmp_path / "src", "kursus-suara", modules=course_modules(quiz=None), images={
        "gambar.png": PNG_HEADER + b"\x00" * 64})
    draft = import_zip(zip_of_folder(folder), trainer)
    publish(draft, trainer)
    db.session.commit()
    return draft, draft.course


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", full_name="Bu Ratna Pendamping")


def upload(browser, draft, lesson_slug, data, *, language="jv", filename="rekaman.wav", follow_redirects=False):
    page = f"/tulis/{draft.id}/rekaman/{lesson_slug}"
    return browser.post_form(page, {"language": language, "file": (io.BytesIO(data), filename)},
                             content_type="multipart/form-data", follow_redirects=follow_redirects)
