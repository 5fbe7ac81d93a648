"""The grader's own work on one submission (validation, the scan) under a budget of time and memory.

Reading a submission costs the grader CPU outside any kernel: one cell of 100,000
characters of ``%a`` lines once took ~4 minutes of it. ``run_bounded`` runs such work in a
child process (forked from a small server that has imported the work's modules, so that
a call costs milliseconds, and no thread of the grader is forked) and kills it past its
budget: that submission's error alone.
"""
from __future__ import annotations

import multiprocessing
import resource
from typing import Any, Callable

PRELOAD = ["autograder.grade"]  # the work (grade.read_and_scan) and all it imports: validate, scan, from_scratch


class OverBudget(Exception):
    """The work took longer than its budget, ran out of memory, or died."""


_context = None


def _server():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def run_bounded(function: Callable, *args, seconds: float, memory: int = 4 * 2**30) -> Any:
    """``function(*args)`` in a child process with at most ``seconds`` of time and ``memory`` bytes of
    address space: its result, or the exception it raised (both must pickle); OverBudget past them."""
    context = _server()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_work, args=(send, memory, int(seconds) + 1, function, args), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise OverBudget(f"took longer than {seconds:g} s")
        ok, value = receive.recv()
    except EOFError:
        raise OverBudget("ran out of memory or died") from None
    finally:
        child.kill()
        child.join()
        receive.close()
    if ok:
        return value
    raise value


def _work(send, memory: int, cpu: int, function: Callable, args: tuple) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        outcome = (True, function(*args))
    except MemoryError:
        outcome = (False, OverBudget("ran out of memory"))
    except Exception as exc:  # noqa: BLE001  (handed to the caller, who decides)
        outcome = (False, exc)
    send.send(outcome)
    send.close()
