"""Writing vendor/: exporting locked projects and pruning them the way dep does."""

from __future__ import annotations

import os
import shutil

from dep.prune import PruneOptions

# Extensions Go's build treats as source (go/build, go1.9); everything else is "non-Go".
_SOURCE_EXTS = frozenset({".go", ".c", ".cc", ".cpp", ".cxx", ".m", ".h", ".hh", ".hpp", ".hxx",
                          ".f", ".F", ".for", ".f90", ".s", ".S", ".swig", ".swigcxx", ".syso"})
_LEGAL_PREFIXES = ("license", "licence", "copying", "unlicense", "copyright", "copyleft")
_LEGAL_SUBSTRINGS = ("authors", "contributors", "legal", "notice", "disclaimer", "patent",
                     "third-party", "thirdparty")


def is_source_file(path: str) -> bool:
    """dep looks at the text after the last dot of the whole relative path, case-sensitively."""
    dot = path.rfind(".")
    return dot >= 0 and path[dot:] in _SOURCE_EXTS


def is_legal_file(name: str) -> bool:
    """Licence-like files survive every prune rule, so vendored code keeps its terms."""
    if is_source_file(name):
        return False
    lower = name.lower()
    return lower.startswith(_LEGAL_PREFIXES) or any(s in lower for s in _LEGAL_SUBSTRINGS)


def _snapshot(root: str) -> tuple[list[str], list[str], list[str]]:
    """(dirs, files, symlinks) as slash paths relative to root, captured before any deletion."""
    dirs, files, links = [], [], []
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(root, rel)) as it:
            for entry in it:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_symlink():
                    links.append(path)
                elif entry.is_dir():
                    dirs.append(path)
                    stack.append(path)
                else:
                    files.append(path)
    return dirs, files, links


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def prune_project(root: str, packages: list[str], options: PruneOptions) -> None:
    """Strip an exported project in place, in dep's order: vendor, unused, non-Go, tests, empty dirs.

    ``packages`` are the project's used packages as in the lock (``"."`` for its root).
    """
    dirs, files, links = _snapshot(root)
    join = os.path.join
    if options & PruneOptions.NESTED_VENDOR:
        for d in dirs:
            if os.path.basename(d) == "vendor":
                shutil.rmtree(join(root, d), ignore_errors=True)
        for link in links:
            if os.path.basename(link) == "vendor":
                _remove(join(root, link))
    if options & PruneOptions.UNUSED_PACKAGES:
        used = set(packages)
        for f in files:
            if (os.path.dirname(f) or ".") not in used and not is_legal_file(os.path.basename(f)):
                _remove(join(root, f))
    if options & PruneOptions.NON_GO:
        for f in files:
            if not is_source_file(f) and not is_legal_file(os.path.basename(f)):
                _remove(join(root, f))
    if options & PruneOptions.GO_TESTS:
        for f in files:
            if f.endswith("_test.go"):
                _remove(join(root, f))
    for d in sorted(dirs, reverse=True):
        try:
            os.rmdir(join(root, d))
        except OSError:
            pass  # not empty, or already gone with a pruned vendor dir


def survives_prune(relpath: str, used: frozenset[str], options: PruneOptions) -> bool:
    """Whether ``prune_project`` would keep the regular file at ``relpath``: exporting only
    those files gives the same tree without writing and deleting the rest (for a project
    like golang.org/x/sys that is most of the work)."""
    slash = relpath.rfind("/")
    name = relpath[slash + 1:]
    if options & PruneOptions.NESTED_VENDOR and slash >= 0 and "vendor" in relpath[:slash].split("/"):
        return False
    legal = None
    if options & PruneOptions.UNUSED_PACKAGES and (relpath[:slash] if slash >= 0 else ".") not in used:
        legal = is_legal_file(name)
        if not legal:
            return False
    if options & PruneOptions.NON_GO and not is_source_file(relpath):
        if not (is_legal_file(name) if legal is None else legal):
            return False
    return not (options & PruneOptions.GO_TESTS and relpath.endswith("_test.go"))


def export_pruned(jobs: list, sm, vendor_dir: str) -> list:
    """Export each ``(LockedProject, PruneOptions)`` into ``vendor_dir/<root>`` at its locked
    revision, prune it, and hash the pruned tree; digests come back in job order.

    Exports run in parallel on the source manager's pool; the caller owns ``vendor_dir`` (a
    staging directory) and decides what gets swapped in. A tree pruned the same way before
    is copied from the cache dir instead (``dep.sources.exportcache``). Every destination is
    made by ``safepath.make_project_dir``, and a project whose root lies inside another's is
    written after that one is done, so no export ever writes through a symlink another
    project's tree put in vendor/.
    """
    if not jobs:
        return []
    from dep.bridge import ProjectIdentifier
    from dep.digest import digest_from_directory, parse_digest
    from dep.errors import DepError
    from dep.safepath import make_project_dir
    from dep.sources.exportcache import ExportCache, entry_key

    from dep.sources.git import submodules_exported

    cache = ExportCache(sm.cachedir)
    submodules = submodules_exported()

    def one(job):
        p, options = job
        dest = make_project_dir(vendor_dir, p.name)
        key = entry_key(p.name, p.source, p.revision, options, p.packages, submodules)
        cached = cache.copy_out(key, dest)
        if cached is not None:
            try:
                return parse_digest(cached)
            except DepError:
                shutil.rmtree(dest, ignore_errors=True)
                os.mkdir(dest)
        pid = ProjectIdentifier(p.name, p.source)
        used = frozenset(p.packages)
        src = sm.source(pid)
        warned = len(getattr(src, "warnings", ()))

        def finish():
            prune_project(dest, p.packages, options)
            return digest_from_directory(dest)

        digest = sm.export(pid, p.revision, dest, only=lambda rel: survives_prune(rel, used, options),
                           finish=finish, expected=p.digest, version=p.version, packages=p.packages)
        # a skipped submodule may be reachable later; a proxy's tree is cheaper to unpack again
        if len(getattr(src, "warnings", ())) == warned and getattr(src, "export_cached", True):
            cache.store(key, dest, str(digest))
        return digest

    def counted(job):  # the progress display's done/total counts cached copies too
        digest = one(job)
        sm.note_done("export", job[0].name, len(jobs))
        return digest

    digests: list = [None] * len(jobs)
    for wave in nesting_waves([p.name for p, _ in jobs]):
        for i, digest in zip(wave, sm.run_parallel([jobs[i] for i in wave], counted)):
            digests[i] = digest
    return digests


def nesting_waves(names: list[str]) -> list[list[int]]:
    """Indexes of ``names`` in rounds: a name lying below another (``a/b`` below ``a``)
    comes in a later round than it, so nested project roots are written after their parents."""
    present = set(names)
    depth = []
    for name in names:
        parts = name.split("/")
        depth.append(sum("/".join(parts[:k]) in present for k in range(1, len(parts))))
    waves: list[list[int]] = [[] for _ in range(max(depth) + 1)]
    for i, d in enumerate(depth):
        waves[d].append(i)
    return waves
