"""Refill translations lupdate left empty because the source string moved to another class.

Usage: python carry_over.py OLD.ts NEW.ts  (update.sh snapshots OLD before running lupdate).
An unfinished message of NEW whose source text had exactly one translation in OLD gets it back
(also when lupdate pre-filled it with that translation but left it unfinished).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(old_path: str, new_path: str) -> int:
    known: dict[str, set[str]] = {}
    for msg in ET.parse(old_path).getroot().iter("message"):
        tr = msg.find("translation")
        if tr is not None and tr.text and tr.get("type") not in ("unfinished", "vanished", "obsolete"):
            known.setdefault(msg.findtext("source", ""), set()).add(tr.text)
    tree = ET.parse(new_path)
    filled = 0
    for msg in tree.getroot().iter("message"):
        tr = msg.find("translation")
        texts = known.get(msg.findtext("source", ""), set())
        # empty, or pre-filled by lupdate's same-text heuristic with that very translation
        if tr is not None and tr.get("type") == "unfinished" and len(texts) == 1 and tr.text in (None, "", *texts):
            tr.text = next(iter(texts))
            del tr.attrib["type"]
            filled += 1
    tree.write(new_path, encoding="utf-8", xml_declaration=True)
    print(f"{new_path}: {filled} translation(s) carried over")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
