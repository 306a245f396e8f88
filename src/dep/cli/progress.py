"""Showing source-manager progress: a rich live display on a terminal, plain lines with -v or
when piped (so logs stay parseable), nothing otherwise. rich is imported only for a TTY."""

from __future__ import annotations

_VERBS = {"list": "listing versions of", "analyse": "analysing", "export": "exporting",
          "download": "downloaded"}


class PlainProgress:
    """One line per event, for -v and for logs; a finished job (a note with a total) is no line."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def __call__(self, event: str, project: str, total: int | None = None, done: int | None = None) -> None:
        if event == "download":  # bytes of a module zip: one line when it is complete
            if done is not None and done == total:
                self.stream.write(f"(download) downloaded {project} ({done} bytes)\n")
                self.stream.flush()
            return
        if total is None:
            self.stream.write(f"({event}) {_VERBS.get(event, event)} {project}\n")
            self.stream.flush()

    def close(self) -> None:
        pass


class RichProgress:
    """A spinner with the latest event, redrawn in place on a terminal: a count of events while
    their number is unknown (listing, analysing), then a bar with done/total once finished jobs
    report their total (exporting); downloads from a module proxy get a line each with their
    bytes done/total while they run."""

    def __init__(self, stream) -> None:
        import threading

        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                  console=Console(file=stream), transient=True)
        self._task = self._progress.add_task("starting", total=None)
        self._count = 0
        self._latest = ("", "")
        self._bar = False
        self._downloads: dict = {}
        self._lock = threading.Lock()  # notes come from the source manager's worker threads
        self._progress.start()

    def __call__(self, event: str, project: str, total: int | None = None, done: int | None = None) -> None:
        if event == "download":
            self._download(project, total, done or 0)
            return
        with self._lock:
            if total is None:
                self._count += 1
                self._latest = (event, f"{_VERBS.get(event, event)} {project}")
            else:
                if not self._bar:
                    from rich.progress import BarColumn, MofNCompleteColumn

                    self._progress.columns += (BarColumn(), MofNCompleteColumn())
                    self._bar = True
                if self._latest[0] != event:  # the jobs so far were all cached copies
                    self._latest = (event, f"{_VERBS.get(event, event)} {project}")
            text = self._latest[1]
            description = text if self._bar else f"[{self._count}] {text}"
            self._progress.update(self._task, description=description, total=total,
                                  advance=0 if total is None else 1)

    def _download(self, project: str, total: int | None, done: int) -> None:
        from rich.filesize import decimal

        size = decimal(done) + (f"/{decimal(total)}" if total is not None else "")
        with self._lock:
            task = self._downloads.get(project)
            if task is None:
                task = self._downloads[project] = self._progress.add_task(
                    f"downloading {project} {size}", total=None)
            self._progress.update(task, description=f"downloading {project} {size}")
            if total is not None and done >= total:
                self._progress.remove_task(task)
                del self._downloads[project]

    def close(self) -> None:
        self._progress.stop()


def make_progress(stream, verbose: bool):
    """The reporter for this run: None when there is nothing to show."""
    if verbose:
        return PlainProgress(stream)
    if getattr(stream, "isatty", lambda: False)():
        return RichProgress(stream)
    return None
