"""A built wheel carries every file the app reads at run time (checked by hand with
`pip wheel . --no-deps`; these tests keep the configuration from drifting)."""
from __future__ import annotations

import glob
import tomllib

import pytest

from lms import config
from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "lms"


def _package_data_patterns() -> list[str]:
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    return pyproject["tool"]["setuptools"]["package-data"]["*"]


def test_every_file_in_the_package_that_is_not_python_is_package_data():
    """As setuptools matches package-data: each pattern relative to each package folder."""
    covered = set()
    for init in PACKAGE.rglob("__init__.py"):
        folder = init.parent
        for pattern in _package_data_patterns():
            covered.update((folder / match).resolve()
                           for match in glob.glob(pattern, root_dir=folder, recursive=True))
    needed = {path.resolve() for path in PACKAGE.rglob("*")
              if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}
    assert needed, "no data files found"
    missing = sorted(str(path.relative_to(PACKAGE)) for path in needed - covered)
    assert not missing, f"not in the wheel (pyproject.toml [tool.setuptools.package-data]): {missing}"
    for expected in ("static/icon-192.png", "pdf/fonts/DejaVuSans-Oblique.ttf",
                     "pdf/fonts/DejaVuSans.ttf", "courses/templates/courses/sw.js", "templates/base.html"):
        assert (PACKAGE / expected).resolve() in covered, expected


def test_the_build_hook_finds_the_catalogs_and_the_migrations():
    """setup.py copies these into lms/ when it builds a wheel."""
    assert {p.parent.parent.name for p in (PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/messages.po")} >= {
        "id", "en"}
    assert (PROJECT_ROOT / "migrations" / "env.py").is_file()
    manifest = (PROJECT_ROOT / "MANIFEST.in").read_text()
    assert "graft migrations" in manifest and "recursive-include translations *.po" in manifest


@pytest.mark.parametrize("name", ["translations", "migrations"])
def test_an_installed_wheel_reads_its_own_copy_and_a_checkout_the_repositorys(name, tmp_path, monkeypatch):
    assert config.bundled_folder(name) == PROJECT_ROOT / name  # this checkout
    installed = tmp_path / "site-packages" / "lms"
    (installed / name).mkdir(parents=True)
    monkeypatch.setattr(config, "PACKAGE_ROOT", installed)
    assert config.bundled_folder(name) == installed / name
