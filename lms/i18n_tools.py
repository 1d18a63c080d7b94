"""Catalog maintenance used by `make translations`.

Message ids are written in English, so the English catalog starts as a copy of
each id; editors may then improve the English wording without touching code.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill_english(path: Path) -> int:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not message.string or not all(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    return filled


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "fill-english":
        print(f"filled {fill_english(Path(argv[1]))} English messages")
        return 0
    print("usage: python -m lms.i18n_tools fill-english PATH", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
