"""Checking and converting a lesson narration with the system's ffprobe and ffmpeg.

A trainer's recording arrives in whatever format their phone makes (M4A, MP3, OGG, WEBM,
AMR, WAV…). It is written to a temporary file, probed with ffprobe (JSON) to be sure it
is a sound recording of a sane length, then converted by ffmpeg to speech-quality Opus
(mono, 16 kHz, 20 kbit/s, in an Ogg container: some 150 KB a minute) with every tag
dropped. Both programs run without a shell, with no standard input, on the first audio
stream only, and are stopped after NARRATION_CONVERT_SECONDS. Nothing is kept on disk:
the converted bytes go to the database (lms/courses/narrations.py).

Refusals name what is wrong in the trainer's words (REFUSALS): not a recording at all,
a recording that cannot be decoded (damaged, or cut short), too long, too short, or a
server without ffmpeg, which the upload form says before anyone records.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

#: what is stored and served: Opus in an Ogg container
CONTENT_TYPE = "audio/ogg"
#: the `type` of the <source> element, so a browser without Opus skips it instead of downloading it
SOURCE_TYPE = "audio/ogg; codecs=opus"
#: speech quality: mono, 16 kHz ("wideband"), about 20 kbit/s, tuned for voice
OPUS_ARGS = ("-c:a", "libopus", "-b:a", "20k", "-ac", "1", "-ar", "16000", "-application", "voip")
MIN_SECONDS = 1.0
#: a decoded recording shorter than this share of what its header says was cut short or is damaged
MIN_DECODED_SHARE = 0.9

REFUSALS = {
    "empty": _l("The file is empty."),
    "size": _l("The recording is larger than %(size)s. Record a shorter part, or save it in a smaller format "
               "(for example M4A or MP3)."),
    "not_audio": _l("This file is not a sound recording. Upload a recording such as M4A, MP3, OGG, WEBM or WAV."),
    "damaged": _l("This recording is damaged: it cannot be played to the end. Record it again, or upload "
                  "another copy of it."),
    "too_long": _l("The recording is longer than %(minutes)s minutes. Record a shorter reading, or split the "
                   "lesson in two."),
    "too_short": _l("The recording is shorter than one second."),
    "timeout": _l("Converting the recording took too long. Try a shorter recording."),
    "unavailable": _l("Recordings cannot be converted on this server, because the ffmpeg program is not "
                      "installed. Ask the administrator to install it."),
}


class AudioRefused(ValueError):
    """Raised with a key of REFUSALS (and its parameters) when an upload is not stored."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def message(self) -> str:
        text = str(REFUSALS[self.key])
        return text % self.params if self.params else text


@dataclass
class Converted:
    """A narration as stored: Opus bytes and their length in milliseconds."""

    data: bytes
    duration_ms: int


def tools() -> tuple[str, str] | None:
    """(ffmpeg, ffprobe) as absolute paths, or None when either is missing on this server."""
    ffmpeg = shutil.which(current_app.config.get("FFMPEG", "ffmpeg"))
    ffprobe = shutil.which(current_app.config.get("FFPROBE", "ffprobe"))
    return (ffmpeg, ffprobe) if ffmpeg and ffprobe else None


def available() -> bool:
    return tools() is not None


def max_seconds() -> float:
    return float(current_app.config.get("NARRATION_MAX_MINUTES", 20)) * 60


def max_bytes() -> int:
    return int(current_app.config.get("NARRATION_MAX_BYTES", 20 * 1024 * 1024))


def too_large() -> AudioRefused:
    """The refusal of an upload larger than NARRATION_MAX_BYTES, the limit in the page's language."""
    from .offline import human_size  # offline reads narrations, which read this module

    return AudioRefused("size", size=human_size(max_bytes()))


def looks_like_audio(data: bytes) -> bool:
    """Whether the first bytes are those of a sound container (told apart from a file that is no sound at all)."""
    head = data[:12]
    return (head.startswith((b"OggS", b"ID3", b"fLaC", b"#!AMR", b"\x1aE\xdf\xa3", b".snd"))
            or (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
            or (head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"))
            or head[4:8] == b"ftyp"
            or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0))  # MPEG audio / ADTS frame


def _seconds(value) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:  # run() has killed the program
        raise AudioRefused("timeout") from None


def _probe(ffprobe: str, path: Path, timeout: float) -> dict | None:
    """ffprobe's JSON of the file's format and streams, or None when it cannot read the file."""
    result = _run([ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
                  timeout)
    if result.returncode != 0:
        return None
    try:
        info = json.loads(result.stdout or b"{}")
    except ValueError:
        return None
    return info if isinstance(info, dict) else None


def _duration(info: dict, stream: dict | None = None) -> float | None:
    return _seconds((info.get("format") or {}).get("duration")) or _seconds((stream or {}).get("duration"))


def convert(data: bytes) -> Converted:
    """Check an upload and convert it to speech-quality Opus; raise AudioRefused with the reason."""
    found = tools()
    if found is None:
        raise AudioRefused("unavailable")
    if not data:
        raise AudioRefused("empty")
    if len(data) > max_bytes():
        raise too_large()
    ffmpeg, ffprobe = found
    limit = max_seconds()
    timeout = float(current_app.config.get("NARRATION_CONVERT_SECONDS", 120))
    with tempfile.TemporaryDirectory(prefix="rawat-narration-") as folder:
        source, target = Path(folder) / "upload", Path(folder) / "narration.ogg"
        source.write_bytes(data)
        info = _probe(ffprobe, source, timeout)
        if info is None:
            raise AudioRefused("damaged" if looks_like_audio(data) else "not_audio")
        audio = [s for s in info.get("streams") or [] if s.get("codec_type") == "audio"]
        if not audio:
            raise AudioRefused("not_audio")
        declared = _duration(info, audio[0])
        if declared and declared > limit:
            raise AudioRefused("too_long", minutes=minutes_text(limit))
        # -t: a recording whose header hides its length is still never decoded past the limit
        result = _run([ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-xerror", "-threads", "1",
                       "-i", str(source), "-vn", "-map", "0:a:0", "-map_metadata", "-1", "-t", f"{limit + 1:.0f}",
                       *OPUS_ARGS, "-f", "ogg", "-y", str(target)], timeout)
        if result.returncode != 0 or result.stderr.strip() or not target.exists():
            raise AudioRefused("damaged")
        converted = _probe(ffprobe, target, timeout)
        seconds = _duration(converted) if converted else None
        if not seconds:
            raise AudioRefused("damaged")
        if seconds > limit:
            raise AudioRefused("too_long", minutes=minutes_text(limit))
        if seconds < MIN_SECONDS:
            raise AudioRefused("too_short")
        if declared and seconds < declared * MIN_DECODED_SHARE:
            raise AudioRefused("damaged")
        return Converted(target.read_bytes(), round(seconds * 1000))


def minutes_text(seconds: float) -> str:
    """Minutes as the page's language writes them: "20", "0,5"."""
    return format_decimal(round(seconds / 60, 1))
