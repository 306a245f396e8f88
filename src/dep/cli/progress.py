"""Showing source-manager progress: a rich live display on a terminal, plain lines with -v or
when piped (so logs stay parseable), nothing otherwise. rich is imported only for a TTY."""

from __future__ import annotations

_VERBS = {"list": "listing versions of", "analyse": "analysing", "export": "exporting"}


class PlainProgress:
    """One line per event, for -v and for logs."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def __call__(self, event: str, project: str) -> None:
        self.stream.write(f"({event}) {_VERBS.get(event, event)} {project}\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class RichProgress:
    """A spinner with the latest event and a count, redrawn in place on a terminal."""

    def __init__(self, stream) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                  console=Console(file=stream), transient=True)
        self._task = self._progress.add_task("starting", total=None)
        self._count = 0
        self._progress.start()

    def __call__(self, event: str, project: str) -> None:
        self._count += 1
        self._progress.update(self._task, description=f"[{self._count}] {_VERBS.get(event, event)} {project}")

    def close(self) -> None:
        self._progress.stop()


def make_progress(stream, verbose: bool):
    """The reporter for this run: None when there is nothing to show."""
    if verbose:
        return PlainProgress(stream)
    if getattr(stream, "isatty", lambda: False)():
        return RichProgress(stream)
    return None
