"""A student's kernel, as the grader starts it: ``python -P -m autograder.kernel_boot -f CONNECTION_FILE``.

It runs inside the sandbox (``autograder.sandbox``) before any of the student's code: it
imports NumPy, nnkit and the checks first, so that files a notebook writes into its working
directory cannot stand in for them, and ``-P`` keeps the working directory off
``sys.path`` (IPython honours it too). Then it is an ordinary IPython kernel.
"""
import numpy  # noqa: F401
import nnkit  # noqa: F401
import autograder.checks  # noqa: F401

from ipykernel.kernelapp import IPKernelApp

if __name__ == "__main__":
    IPKernelApp.launch_instance()
