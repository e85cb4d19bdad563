"""Flows the site's tests and browser tests share."""

from __future__ import annotations


def wide_flow(n: int = 41) -> str:
    """A flow of ``n`` steps shaped like a menu tree: each step offers two more."""
    lines = ["flow wide", ""]
    for i in range(n):
        kids = [k for k in (2 * i + 1, 2 * i + 2) if k < n]
        lines.append(f"step s{i}:")
        if kids:
            lines.append(f"    gather digits 1 -> s{kids[0]}:")
            lines.append(f'        say "Menu {i}: press a key for the next menu, or wait."')
            lines.append(f"    redirect -> s{kids[-1]}")
        else:
            lines.append(f'    say "Leaf {i}. Goodbye."')
            lines.append("    hangup")
        lines.append("")
    return "\n".join(lines)


BROKEN = """\
flow desk

step start:
    gather digits 1 -> menu:
        say "Press 1."
    redirect -> start

step menu
    say "The menu."
    recrd max 20s -> start

step bye:
    hangup
"""
