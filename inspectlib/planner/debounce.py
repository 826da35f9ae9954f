"""Collect a burst of changes into one update: :class:`Debouncer`, with an injectable timer.

In a Jupyter kernel the timer is the kernel's asyncio loop (``call_later``), so the update
runs on the kernel's thread like any widget callback; outside one (scripts) a daemon
``threading.Timer``. Tests inject a fake clock.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, Protocol


class Handle(Protocol):
    """What a scheduler returns: something that can be cancelled."""

    def cancel(self) -> Any: ...


Scheduler = Callable[[float, Callable[[], None]], Handle]


def default_scheduler(delay: float, callback: Callable[[], None]) -> Handle:
    """Run ``callback`` after ``delay`` seconds: on the running asyncio loop of a Jupyter
    kernel (so widget updates stay on the kernel's thread), else on a daemon timer.

    Only a kernel's loop is used: another library's loop in this thread (Playwright's sync
    API keeps one) may not run again until that library is called.
    """
    loop = _kernel_loop()
    if loop is None:
        timer = threading.Timer(delay, callback)
        timer.daemon = True
        timer.start()
        return timer
    return loop.call_later(delay, callback)


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Debouncer:
    """Collect a burst of triggers into one call of ``action``, ``delay`` seconds after the
    last trigger.

    Parameters
    ----------
    action : callable
        Called with no arguments.
    delay : float
        Quiet time in seconds before ``action`` runs.
    scheduler : callable, optional
        ``scheduler(delay, callback) -> handle`` with ``handle.cancel()``; inject a fake
        clock in tests. Default: :func:`default_scheduler`.

    Examples
    --------
    >>> calls = []
    >>> d = Debouncer(lambda: calls.append(1), delay=0.3, scheduler=lambda t, cb: FakeHandle())
    >>> d.trigger(); d.trigger(); d.pending
    True
    >>> d.flush(), calls
    (True, [1])
    """

    def __init__(
        self, action: Callable[[], None], delay: float = 0.3, scheduler: Scheduler | None = None
    ) -> None:
        self.action = action
        self.delay = float(delay)
        self.scheduler = scheduler or default_scheduler
        self._handle: Handle | None = None
        self._generation = 0
        self._lock = threading.RLock()
        self.runs = 0

    @property
    def pending(self) -> bool:
        """Whether a call of ``action`` is waiting."""
        return self._handle is not None

    def trigger(self) -> None:
        """(Re)start the quiet period; ``action`` runs once it has passed."""
        with self._lock:
            if self._handle is not None:
                self._handle.cancel()
            self._generation += 1
            generation = self._generation
            self._handle = self.scheduler(self.delay, lambda: self._fire(generation))

    def cancel(self) -> None:
        """Forget a waiting call."""
        with self._lock:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = None

    def flush(self) -> bool:
        """Run a waiting call now; returns whether one was waiting."""
        with self._lock:
            if self._handle is None:
                return False
            self._handle.cancel()
            self._handle = None
            self.runs += 1
            self.action()
            return True

    def _fire(self, generation: int) -> None:
        with self._lock:
            if generation == self._generation:  # a timer that lost a race with trigger()
                self.flush()


class FakeHandle:
    """A handle that only records that it was cancelled (for tests and examples)."""

    cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
