"""dep's solver: gps's search and failure semantics (see docs/solver.md).

``solve(params, bridge, trace=None) -> Solution``; failures raise
``dep.solver.failures.SolveError`` subclasses.
"""

from dep.solver.search import Solution, SolveParameters, solve

__all__ = ["Solution", "SolveParameters", "solve"]
