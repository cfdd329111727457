"""run_with_deadline: alarms in the main thread, asynchronous exceptions in other threads."""

from __future__ import annotations

import threading
import time

import pytest

from detente.timeouts import DeadlineExceeded, run_with_deadline


def _spin(seconds: float) -> str:
    """Pure-Python busy loop: interruptible between bytecodes, like the pipeline's own code."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "finished"


def _in_thread(func):
    outcome = {}

    def target():
        try:
            outcome["value"] = func()
        except BaseException as err:  # hand whatever happened back to the test thread
            outcome["error"] = err

    worker = threading.Thread(target=target)
    worker.start()
    worker.join(30)
    return outcome


@pytest.mark.parametrize("seconds", [None, 0, 5.0])
def test_fast_function_returns_its_value(seconds):
    assert run_with_deadline(lambda: 41 + 1, seconds) == 42


def test_slow_function_is_stopped_in_main_thread():
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as caught:
        run_with_deadline(lambda: _spin(10), 0.2)
    assert caught.value.seconds == 0.2
    assert time.monotonic() - started < 5


def test_broad_except_exception_cannot_swallow_the_deadline():
    def stubborn():
        try:
            return _spin(10)
        except Exception:
            return "swallowed"

    with pytest.raises(DeadlineExceeded):
        run_with_deadline(stubborn, 0.2)


def test_slow_function_is_stopped_in_another_thread():
    outcome = _in_thread(lambda: run_with_deadline(lambda: _spin(10), 0.2))
    assert isinstance(outcome.get("error"), DeadlineExceeded)
    assert outcome["error"].seconds == 0.2


def test_fast_function_in_another_thread_leaves_no_pending_exception():
    def many_calls():
        values = [run_with_deadline(lambda: _spin(0.001), 0.05) for _ in range(50)]
        _spin(0.3)  # a stray exception from a cancelled timer would land here
        return values

    outcome = _in_thread(many_calls)
    assert outcome.get("value") == ["finished"] * 50


def test_alarm_is_cleared_after_the_call():
    run_with_deadline(lambda: None, 0.1)
    assert _spin(0.3) == "finished"


def test_inner_deadline_leaves_the_outer_one_running():
    def outer():
        run_with_deadline(lambda: _spin(0.05), 5)
        return _spin(10)

    with pytest.raises(DeadlineExceeded) as caught:
        run_with_deadline(outer, 0.3)
    assert caught.value.seconds == 0.3
