"""Column alignment as Go's text/tabwriter does it for dep's tables and flag lists.

Cells end with a tab; text after a line's last tab is not aligned. Widths count code points,
as Go counts runes. Covers the uniform tables dep prints (no tabwriter column blocks).
"""

from __future__ import annotations


def align(text: str, padding: int = 2, minwidth: int = 0) -> str:
    lines = text.split("\n")
    rows = [line.split("\t") for line in lines]
    widths: list[int] = []
    for cells in rows:
        for i, cell in enumerate(cells[:-1]):
            w = max(len(cell) + padding, minwidth)
            if i == len(widths):
                widths.append(w)
            elif w > widths[i]:
                widths[i] = w
    out = []
    for cells in rows:
        aligned = [cell.ljust(widths[i]) for i, cell in enumerate(cells[:-1])]
        out.append("".join(aligned) + cells[-1])
    return "\n".join(out)
