"""How the grading process starts a student's kernel and collects what it prints.

``SandboxedKernelManager`` starts the kernel in its sandbox (``autograder.sandbox``): the
kernel is its own user, in its own namespaces, so the grader reaches it through IPC
sockets in a folder both can see, and interrupts it with a message (it cannot be
signalled). ``BoundedExecute`` is nbgrader's ``Execute`` with a cap on what each cell may
print: a cell's text beyond ``MAX_TEXT`` characters and its rich outputs beyond
``MAX_RICH`` bytes are cut while they arrive, so that neither the grading process, nor
the graded notebook, nor the feedback grows with a submission's printing.
"""
from __future__ import annotations

import os
import pathlib
import sys

from jupyter_client.manager import AsyncKernelManager
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from . import records, sandbox

MAX_TEXT = 20_000  # characters of text (stdout, stderr, text/plain) kept per cell
MAX_RICH = 2_000_000  # bytes of images and HTML kept per cell
MAX_RECORDS = 20_000_000  # bytes of check records kept per cell
KERNEL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "MPLBACKEND": "Agg"}


class SandboxedKernelManager(AsyncKernelManager):
    """An IPython kernel in the sandbox of ``autograder.sandbox`` (or, with ``sandboxed`` False, without one)."""

    sandboxed = Bool(True).tag(config=True)
    uid = Integer(sandbox.UID_BASE, help="the user id the kernel runs as (root only)").tag(config=True)
    ipc_dir = Unicode(help="folder of the kernel's sockets, shared with it").tag(config=True)
    data_dir = Unicode("", help="files to put, read-only, in the kernel's working directory").tag(config=True)
    font_cache = Unicode("", help="matplotlib's font list, to put in the kernel's cache folder").tag(config=True)
    mode = Unicode("grading", help="AUTOGRADER_MODE of the kernel: reference (the solution) or grading "
                   "(a student's notebook), see autograder.records").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(pathlib.Path(self.ipc_dir) / "kernel")
        self.connection_file = str(pathlib.Path(self.ipc_dir) / "kernel.json")

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self.sandboxed and os.geteuid() == 0:  # the kernel, another user, reads it
            os.chown(self.connection_file, self.uid, self.uid)

    async def _async_pre_start_kernel(self, **kw):
        self.kernel_spec.interrupt_mode = "message"  # signals cannot cross into the sandbox
        env = {**kw.get("env", os.environ), **KERNEL_ENV, "AUTOGRADER_MODE": self.mode}
        private = ("JPY_", "IPYTHON", "JUPYTER", "MPLCONFIG") if self.sandboxed else ("JPY_",)  # host paths
        kw["env"] = {k: v for k, v in env.items() if not k.startswith(private)}
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = [sys.executable, "-P", "-m", "autograder.kernel_boot", "-f", self.connection_file]
        limits = sandbox.Limits()
        if not self.sandboxed:
            return limits.prlimit_args() + command
        ipc = pathlib.Path(self.ipc_dir)
        return sandbox.bwrap_args(self.uid, ipc, limits, pathlib.Path(self.data_dir) if self.data_dir else None,
                                  pathlib.Path(self.font_cache) if self.font_cache else None) + command


class BoundedExecute(Execute):
    """nbgrader's Execute in a sandboxed kernel, keeping at most MAX_TEXT characters of each cell's text."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kernel_manager_class = SandboxedKernelManager

    def output(self, outs: list[NotebookNode], msg: dict, display_id: str | None, cell_index: int):
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            if out.output_type == "stream" and len(outs) > 1 and outs[-2] is not out \
                    and outs[-2].output_type == "stream" and outs[-2].name == out.name:
                outs[-2].text += out.text  # one output per run of prints: the list stays short
                outs.pop()
            bound_outputs(outs)
        return out


def bound_outputs(outs: list[NotebookNode]) -> None:
    """Cut a cell's outputs, in place, to the caps (called after each new output)."""
    text = rich = recorded = 0
    kept = []
    for out in outs:
        if out.output_type == "stream":
            out.text, text = _cut(out.text, text)
            if out.text:
                kept.append(out)
            continue
        data = out.get("data", {})
        for mime in list(data):
            size = len(str(data[mime]))
            if mime == records.MIME:
                recorded += size
                if recorded > MAX_RECORDS:
                    del data[mime]
            elif mime == "text/plain":
                data[mime], text = _cut(str(data[mime]), text)
            else:
                rich += size
                if rich > MAX_RICH:
                    del data[mime]
        if out.output_type == "error":
            out.evalue, text = _cut(out.evalue, text)
            out.traceback = [line[:MAX_TEXT] for line in out.traceback[:100]]
        if out.output_type == "error" or data or out.output_type not in ("display_data", "execute_result"):
            kept.append(out)
    outs[:] = kept


def _cut(text: str, used: int) -> tuple[str, int]:
    """``text`` cut so that ``used`` + its length stays within MAX_TEXT, and the new total."""
    room = MAX_TEXT - used
    if len(text) <= room:
        return text, used + len(text)
    note = f"\n... output truncated (more than {MAX_TEXT} characters) ...\n"
    return (text[:max(room, 0)] + note if room > 0 else ""), MAX_TEXT + 1
