"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib (no system gettext needed).

Run by the Makefile before serving or testing: compiled catalogues are generated
files and are not committed.
"""

from pathlib import Path

import polib


def compile_all(root: Path) -> int:
    count = 0
    for po_path in sorted(root.glob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    compile_all(Path(__file__).resolve().parent.parent)
