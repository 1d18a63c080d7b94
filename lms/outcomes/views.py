"""Programme page and public results page."""
from __future__ import annotations

from . import bp  # noqa: F401
