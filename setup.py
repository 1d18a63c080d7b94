"""Build hook (the project is described in pyproject.toml).

The language catalogs (translations/) and the database migrations (migrations/) live at
the top of the repository, where `make translations` and `flask db` work on them. A built
wheel carries them inside the package, as lms/translations (compiled .mo files) and
lms/migrations, where lms/config.py looks first. An editable install reads them from the
repository as they are.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithCatalogsAndMigrations(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "lms"
        shutil.copytree(ROOT / "migrations", package / "migrations", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        catalogs = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
        if not catalogs:
            raise SystemExit("build: no catalogs in translations/")
        for po_path in catalogs:
            mo_path = package / "translations" / po_path.relative_to(ROOT / "translations").with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogsAndMigrations})
