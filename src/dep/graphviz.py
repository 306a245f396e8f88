"""``dep status -dot``: the project graph in GraphViz's dot language, as dep writes it.

A node per project, named by the FNV-1a (32-bit) hash of its root in decimal and labelled with
the root and the locked version; an edge from a project to each project owning one of its
imports.
"""

from __future__ import annotations


def fnv1a_32(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode("utf-8", "surrogateescape"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def is_path_prefix(path: str, prefix: str) -> bool:
    """``prefix`` is ``path`` or one of its parent import paths."""
    return path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/")


def render(nodes: list[tuple[str, str, list[str]]]) -> str:
    """``nodes``: (project root, version label or "", imports), the root project first.

    Edges go out in node order, then import order; dep walks a Go map for the target, which
    only matters when one import lies under two nested project roots (then we take node order).
    """
    ids = {}
    for project, _, _ in nodes:
        ids[project] = fnv1a_32(project)
    out = ["digraph {\n\tnode [shape=box];"]
    for project, version, _ in nodes:
        label = f"{project}\\n{version}" if version else project
        out.append(f'\n\t{ids[project]} [label="{label}"];')
    seen = set()
    for project, _, imports in nodes:
        for ip in imports:
            for target, target_id in ids.items():
                edge = (ids[project], target_id)
                if is_path_prefix(ip, target) and edge not in seen:
                    seen.add(edge)
                    out.append(f"\n\t{edge[0]} -> {edge[1]};")
    out.append("\n}\n")
    return "".join(out)
