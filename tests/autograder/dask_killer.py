"""Preloaded into a Dask worker by the tests (``dask worker --preload``): given the student named
``killer``, the worker process kills itself (SIGKILL), as a submission that brings down its machine
would. The task's function is sent by name (``autograder.cluster.grade_student``), so it is this one.
Dask may load a preload more than once: the function is wrapped once."""
import os
import signal

from autograder import cluster


def _wrap(grade_student):
    def killing(student, *args, **kwargs):
        if student == "killer":
            os.kill(os.getpid(), signal.SIGKILL)
        return grade_student(student, *args, **kwargs)

    killing.kills = True
    return killing


if not getattr(cluster.grade_student, "kills", False):
    cluster.grade_student = _wrap(cluster.grade_student)
