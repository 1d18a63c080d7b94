"""The public list of places and their codes: the chooser on a page of its own."""
from __future__ import annotations

from flask import render_template

from . import bp
from .chooser import chooser_step


@bp.route("/wilayah")
def lookup():
    """Find a place's Kemendagri code step by step (for care managers, reports, a village's registration link)."""
    return render_template("regions/lookup.html", step=chooser_step("regions.lookup"))
