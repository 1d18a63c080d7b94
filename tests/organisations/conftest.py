"""The tiny regions dataset of tests/regions, imported with the real command."""
from tests.regions.conftest import import_regions, regions, regions_file  # noqa: F401
