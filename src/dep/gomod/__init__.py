"""Go modules, as far as dep's users need them: the one home for module paths and their
escaping, canonical and pseudo versions, module zip file selection and ``h1:`` hashes,
go.mod / go.sum / vendor/modules.txt, and MVS. ``dep migrate``, module-proxy sources, SBOMs
and audits all build on it; nothing here prints, and nothing imports it on dep check's path.

Modelled on golang.org/x/mod's split: ``semver`` (Go's semver and pseudo-versions),
``module`` (paths, escaping, version checks), ``modzip`` (which files a module zip holds)
and ``dirhash`` (``h1:``), ``modfile`` (go.mod, go.sum, modules.txt), ``mvs``.
"""
