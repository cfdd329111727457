"""A bounded time per document: run a function and stop it when it runs past a deadline.

In the main thread the deadline is a `signal.setitimer` alarm whose handler raises `DeadlineExceeded`.  In
other threads (Dask workers run tasks in a thread pool, the HTTP API in request threads) signals cannot be
used; on CPython a timer thread raises the exception asynchronously in the running thread instead, and
elsewhere the function simply runs unbounded.  Either way the exception is raised between Python bytecodes:
a single C call (one regular-expression match, one spaCy parse) is not interrupted until it returns.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(BaseException):
    """Raised in place of a function's result when it ran past its deadline.

    A BaseException, like KeyboardInterrupt, so that a stage's broad `except Exception` cannot swallow it and
    go on running; the caller that set the deadline catches it.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        super().__init__("took longer than its deadline" if seconds is None else f"took longer than {seconds:g}s")


def run_with_deadline(func: Callable[[], T], seconds: float | None) -> T:
    """`func()`, or DeadlineExceeded when it runs longer than `seconds`; None or 0 means no deadline."""
    if not seconds or seconds <= 0:
        return func()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _with_alarm(func, seconds)
    if hasattr(ctypes, "pythonapi") and hasattr(ctypes.pythonapi, "PyThreadState_SetAsyncExc"):
        return _with_timer_thread(func, seconds)
    return func()


def _with_alarm(func: Callable[[], T], seconds: float) -> T:
    started = time.monotonic()

    def on_alarm(signum, frame):
        raise DeadlineExceeded(seconds)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    if outer_delay and outer_delay < seconds:
        # An enclosing deadline ends sooner: keep it (and its handler) in charge.
        signal.signal(signal.SIGALRM, previous_handler)
        signal.setitimer(signal.ITIMER_REAL, outer_delay, outer_interval)
        return func()
    try:
        return func()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay:
            # Give the enclosing deadline back what is left of it (at least a moment, so it still fires).
            remaining = max(outer_delay - (time.monotonic() - started), 1e-6)
            signal.setitimer(signal.ITIMER_REAL, remaining, outer_interval)


def _with_timer_thread(func: Callable[[], T], seconds: float) -> T:
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if state["done"]:
                return
            state["fired"] = True
            _set_async_exception(target, DeadlineExceeded)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        return func()
    except DeadlineExceeded:
        # The asynchronous exception arrives as the bare class; give callers the seconds.
        raise DeadlineExceeded(seconds) from None
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:
                # Fired just as func returned: drop the exception if it is still pending.
                _set_async_exception(target, None)
        timer.cancel()


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else ctypes.c_void_p(0)
    )
