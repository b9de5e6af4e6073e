#!/usr/bin/python3
"""Writes accents.tsv: what BERT's accent stripping (NFD, then drop category Mn) leaves of each character that it
changes, from the Unicode database of this Python (standard library only). DIME runs with .NET's invariant
globalization, where string.Normalize does not decompose, so the table travels with the assembly.

    /usr/bin/python3 make_accent_table.py

One line per character: its code point, a tab, the code points left (hex, space-separated; empty when nothing is
left). Hangul syllables are left out: DIME decomposes them algorithmically.
"""
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    lines = []
    for cp in range(sys.maxunicode + 1):
        if 0xAC00 <= cp <= 0xD7A3 or 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if unicodedata.category(ch) == "Mn":
            continue  # dropped by category already
        stripped = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
        if stripped != ch:
            lines.append("%X\t%s" % (cp, " ".join("%X" % ord(c) for c in stripped)))
    with open(os.path.join(HERE, "accents.tsv"), "w", encoding="ascii", newline="\n") as f:
        f.write("# Unicode %s: code point, then what NFD without Mn leaves of it (make_accent_table.py)\n" % unicodedata.unidata_version)
        f.write("\n".join(lines) + "\n")
    print(len(lines), "characters")


if __name__ == "__main__":
    main()
