"""Progress lines for long loops: count, rate and ETA, without flooding the log.

Generating and labeling ten million rows, or a student's passes over them, can
take minutes; with ``verbose`` on, a user should see that the work moves and
when it will end, but a line per chunk (thousands of them) would bury
everything else. :class:`Progress` prints a line when another tenth of the
work is done, at most once every few seconds, plus a last line at the end.
"""

import sys
import time

__all__ = ["Progress", "Stage"]


class Progress:
    """Throttled progress lines: ``[Owner] what: done/total unit (pct), rate, ETA``.

    Parameters
    ----------
    owner : str
        Name shown in brackets (the meta-estimator's class name).
    what : str
        What is counted, e.g. ``"labeling"``.
    total : int
        Units of work in all.
    verbose : int
        0 prints nothing; 1 prints at each further tenth of the work, at most
        every ``interval`` seconds, and at the end; 2 and more print after
        every update (every chunk), still at most every ``interval / 10``
        seconds.
    unit : str, default="rows"
        Name of the unit.
    interval : float, default=5.0
        Fewest seconds between two lines at ``verbose=1``. A loop that ends
        sooner than this prints nothing at ``verbose=1`` (the stage line that
        follows says how long it took).
    clock : callable, default=time.perf_counter
        Source of time (tests pass a fake one).
    stream : file-like, default=None
        Where to print; ``None`` means ``sys.stdout`` at the time of printing.

    Examples
    --------
    >>> from skmetamorph._progress import Progress
    >>> ticks = iter(range(0, 100, 10))
    >>> progress = Progress("Demo", "labeling", total=4000, verbose=1, interval=5,
    ...                     clock=lambda: float(next(ticks)))
    >>> for _ in range(4):
    ...     progress.update(1000)
    [Demo] labeling: 1,000/4,000 rows (25%), 100 rows/s, ETA 30s
    [Demo] labeling: 2,000/4,000 rows (50%), 100 rows/s, ETA 20s
    [Demo] labeling: 3,000/4,000 rows (75%), 100 rows/s, ETA 10s
    [Demo] labeling: 4,000/4,000 rows (100%), 100 rows/s, done in 40s
    """

    def __init__(
        self,
        owner,
        what,
        total,
        verbose,
        *,
        unit="rows",
        interval=5.0,
        clock=time.perf_counter,
        stream=None,
    ):
        self.owner, self.what, self.total = owner, what, max(int(total), 0)
        self.verbose, self.unit, self.clock, self.stream = verbose, unit, clock, stream
        self.interval = interval if verbose < 2 else interval / 10
        # At verbose=1 a line is due at each further tenth; at 2 after any update.
        self.step = max(self.total // 10, 1) if verbose < 2 else 1
        self.done = 0
        self.printed = False
        self.start = self.last_time = clock() if verbose else 0.0
        self.next_mark = self.step

    def update(self, n):
        """Count ``n`` more units and print a line if one is due."""
        if not self.verbose:
            return
        self.done += n
        now = self.clock()
        finished = self.done >= self.total
        # A short loop needs no closing line of its own, a long one does.
        worth_closing = self.printed or self.verbose >= 2 or now - self.start >= self.interval
        if (finished and worth_closing) or (
            not finished and self.done >= self.next_mark and now - self.last_time >= self.interval
        ):
            self._print(now, finished)
            self.printed = True
            self.last_time = now
            # The next line waits for the next tenth after this one, however
            # many tenths this update covered.
            self.next_mark = (self.done // self.step + 1) * self.step

    def _print(self, now, finished):
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        percent = 100 * self.done / self.total if self.total else 100
        if finished:
            tail = f"done in {_duration(elapsed)}"
        else:
            tail = f"ETA {_duration((self.total - self.done) / rate) if rate > 0 else '?'}"
        line = (
            f"[{self.owner}] {self.what}: {self.done:,}/{self.total:,} {self.unit} "
            f"({percent:.0f}%), {rate:,.0f} {self.unit}/s, {tail}"
        )
        print(line, file=self.stream or sys.stdout, flush=True)


def _duration(seconds):
    """``"42s"``, ``"3m05s"`` or ``"1h02m"``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Stage:
    """Context manager that prints a stage's name, size and duration when verbose.

    The stage lines (``[Owner] teacher fit (120 labeled of 1,200 rows): 0.41s``)
    and the :class:`Progress` lines inside long stages are the one progress
    style of skmetamorph.

    Parameters
    ----------
    owner : str
        Name shown in brackets (the meta-estimator's class name).
    name : str
        The stage.
    info : str
        Its size; may be set later through the dict the context returns
        (``state["info"] = ...``) when it is known only at the end.
    verbose : int
        Prints nothing when 0.
    """

    def __init__(self, owner, name, info, verbose):
        self.owner, self.name, self.verbose = owner, name, verbose
        self.state = {"info": info}

    def __enter__(self):
        self.start = time.perf_counter()
        return self.state

    def __exit__(self, *exc_info):
        if self.verbose and exc_info[0] is None:
            elapsed = time.perf_counter() - self.start
            info = f" ({self.state['info']})" if self.state["info"] else ""
            print(f"[{self.owner}] {self.name}{info}: {elapsed:.2f}s")
        return False
