"""Fill translation catalogues from a JSON file of translations.

    python scripts/po_fill.py translations.json

The JSON maps each English msgid to its translations:
    {"Sign in": {"ru": "Войти", "kk": "Кіру"},
     "%(num)d idea": {"ru": ["%(num)d идея", "%(num)d идеи", "%(num)d идей"],
                      "kk": ["%(num)d идея", "%(num)d идея"]}}
English needs no entry: msgids are English, and the `en` catalogue gets them as they are.
It first runs `flask translate update` (extract + merge), then fills, then reports what is still
missing in any language. A lock file keeps two runs from writing the catalogues at once.
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


def main(paths: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from myalmaty.cli import extract_messages, pybabel

    given: dict = {}
    for path in paths:
        given.update(json.loads(Path(path).read_text("utf-8")))
    with open(TRANSLATIONS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        extract_messages()
        pybabel("update", "-i", str(TRANSLATIONS / "messages.pot"), "-d", str(TRANSLATIONS),
                "--no-fuzzy-matching", "--ignore-obsolete")
        missing = 0
        for language in ("ru", "kk", "en"):
            po_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
            with open(po_path, "rb") as f:
                catalog = read_po(f, locale=language)
            for message in catalog:
                if not message.id:
                    continue
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                if language == "en":
                    message.string = message.id if isinstance(message.id, tuple) else message.id
                    if isinstance(message.id, tuple):
                        message.string = tuple(message.id[min(i, 1)] for i in range(catalog.num_plurals))
                elif key in given and language in given[key]:
                    value = given[key][language]
                    message.string = tuple(value) if isinstance(value, list) else value
                message.flags.discard("fuzzy")
                empty = not (all(message.string) if isinstance(message.string, tuple) else message.string)
                if empty:
                    missing += 1
                    print(f"missing [{language}]: {key!r}")
            with open(po_path, "wb") as f:
                write_po(f, catalog, width=0, omit_header=False, sort_output=True)
        from myalmaty.cli import compile_catalogues

        compile_catalogues()
    print(f"{missing} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
