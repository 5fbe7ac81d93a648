"""How the grading process starts a student's kernel and collects what it prints.

``SandboxedKernelManager`` starts the kernel in its sandbox (``autograder.sandbox``): the
kernel is its own user, in its own namespaces, so the grader reaches it through IPC
sockets in a folder both can see, and interrupts it with a message (it cannot be
signalled). Once the kernel's sockets exist, the socket folder is sealed: the kernel
can no longer write anything there (``seal_ipc``), and it never could write its
connection file.

``BoundedExecute`` is nbgrader's ``Execute`` with caps on what a submission may print,
applied while the outputs arrive: per cell, ``MAX_TEXT`` characters of text,
``MAX_RICH`` bytes of images and HTML, ``MAX_OUTPUTS`` outputs; per notebook,
``MAX_TOTAL`` bytes of all outputs together (check records apart, ``MAX_RECORDS`` per
test cell and ``MAX_RECORDS_TOTAL`` in all). So neither the grading process, nor the
graded notebook, nor the feedback grows with a submission's printing.
"""
from __future__ import annotations

import json
import os
import pathlib
import sys

from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbformat.v4 import output_from_msg
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, List, Unicode

from . import records, sandbox

MAX_TEXT = 20_000  # characters of text (stdout, stderr, text/plain) kept per cell
MAX_RICH = 2_000_000  # bytes of images and HTML kept per cell
MAX_RECORDS = 20_000_000  # bytes of check records kept per test cell
MAX_OUTPUTS = 500  # outputs kept per cell
MAX_METADATA = 10_000  # bytes of one output's metadata (more: dropped)
MAX_TOTAL = 8_000_000  # bytes of all outputs of a notebook but its check records
MAX_RECORDS_TOTAL = 100_000_000  # bytes of check records of a notebook
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
    memory = Integer(sandbox.Limits.memory, help="bytes of memory: each process's address space, and the "
                     "whole tree's (autograder.sandbox.Limits)").tag(config=True)
    join = List(Unicode(), help="the start of the kernel's command line: joins its slot's cgroup "
                "(autograder.treecaps)").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(pathlib.Path(self.ipc_dir) / "kernel")
        self.connection_file = str(pathlib.Path(self.ipc_dir) / "kernel.json")

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self.sandboxed and os.geteuid() == 0:  # the kernel, another user, reads it but cannot change it
            os.chmod(self.connection_file, 0o644)

    def seal_ipc(self) -> None:
        """Once the kernel's sockets exist: the socket folder (root's, sticky, writable by others until
        now) becomes read-only for the kernel, so nothing it writes lands outside its capped /tmp."""
        if self.sandboxed and os.geteuid() == 0:
            os.chmod(self.ipc_dir, 0o711)

    async def _async_pre_start_kernel(self, **kw):
        self.kernel_spec.interrupt_mode = "message"  # signals cannot cross into the sandbox
        env = {**kw.get("env", os.environ), **KERNEL_ENV, "AUTOGRADER_MODE": self.mode}
        private = ("JPY_", "IPYTHON", "JUPYTER", "MPLCONFIG") if self.sandboxed else ("JPY_",)  # host paths
        kw["env"] = {k: v for k, v in env.items() if not k.startswith(private)}
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = [sys.executable, "-P", "-m", "autograder.kernel_boot", "-f", self.connection_file]
        limits = sandbox.Limits(memory=self.memory)
        if not self.sandboxed:
            return list(self.join) + limits.prlimit_args() + command
        ipc = pathlib.Path(self.ipc_dir)
        return list(self.join) + sandbox.bwrap_args(
            self.uid, ipc, limits, pathlib.Path(self.data_dir) if self.data_dir else None,
            pathlib.Path(self.font_cache) if self.font_cache else None) + command


class BoundedExecute(Execute):
    """nbgrader's Execute in a sandboxed kernel, keeping each cell's and the notebook's outputs within the caps."""

    # nbclient allows 4 s, after a cell's reply, for its last outputs; reading and bounding large check records
    # (an initialiser's check sends its 90,000 draws, ~2 MB) takes the grader longer on a busy machine, and a
    # timeout there fails the whole notebook (nbgrader raises on it). --timeout still bounds the submission.
    iopub_timeout = Integer(15, help="seconds allowed for a cell's outputs to arrive after its reply").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kernel_manager_class = SandboxedKernelManager
        self._sizes: dict[int, tuple[int, int]] = {}  # cell index -> (bytes kept, bytes of records kept)
        self._sized_nb = None

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        self.km.seal_ipc()  # the kernel is ready: its sockets exist, none of the student's code has run
        return client

    start_new_kernel_client = run_sync(async_start_new_kernel_client)  # nbclient's sync name, bound to its own

    def output(self, outs: list[NotebookNode], msg: dict, display_id: str | None, cell_index: int):
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            if len(outs) > 1 and outs[-2] is not out and _is_note(outs[-2]) \
                    and records.MIME not in out.get("data", {}):  # the cell was cut: no more (records apart)
                outs.pop()
                return out
            if out.output_type == "stream" and len(outs) > 1 and outs[-2] is not out \
                    and outs[-2].output_type == "stream" and outs[-2].name == out.name:
                outs[-2].text += out.text  # one output per run of prints: the list stays short
                outs.pop()
            self._bound(cell_index)
        return out

    def _update_display_id(self, display_id: str, msg: dict) -> None:
        """nbclient's, made safe for outputs we dropped, and bounded like new outputs."""
        if display_id not in self._display_id_map:
            return
        msg["header"]["msg_type"] = "display_data"
        try:
            out = output_from_msg(msg)
        except ValueError:
            return
        for cell_index, positions in self._display_id_map[display_id].items():
            outs = self.nb.cells[cell_index].outputs
            for position in positions:
                if position < len(outs) and outs[position].get("output_type") in ("display_data", "execute_result"):
                    outs[position]["data"] = NotebookNode(dict(out["data"]))
                    outs[position]["metadata"] = NotebookNode(dict(out["metadata"]))
            self._bound(cell_index)

    def _bound(self, cell_index: int) -> None:
        """Cut the cell's outputs to the per-cell caps and to what the notebook's totals leave it."""
        if self._sized_nb is not self.nb:  # a new notebook: its totals start from zero
            self._sizes, self._sized_nb = {}, self.nb
        others = [size for index, size in self._sizes.items() if index != cell_index]
        cell = self.nb.cells[cell_index]
        meta = cell.metadata.get("nbgrader", {})
        self._sizes[cell_index] = bound_outputs(
            cell.outputs, room=max(0, MAX_TOTAL - sum(s[0] for s in others)),
            record_room=(max(0, MAX_RECORDS_TOTAL - sum(s[1] for s in others))
                         if meta.get("grade") and not meta.get("solution") else 0))


def bound_outputs(outs: list[NotebookNode], room: int = MAX_TOTAL, record_room: int = MAX_RECORDS) -> tuple[int, int]:
    """Cut a cell's outputs, in place, to the caps (called after each new output): per cell, and then to
    ``room`` bytes of outputs and ``record_room`` bytes of check records (0: records are not kept, as
    only test cells' count). The bytes kept, and the bytes of records kept."""
    text = rich = recorded = 0
    kept = []
    dropped = len(outs) > MAX_OUTPUTS or any(_is_note(out) for out in outs)
    for out in outs[:MAX_OUTPUTS]:
        if _is_note(out):
            continue
        if out.output_type == "stream":
            out.text, text = _cut(out.text, text)
            if out.text:
                kept.append(out)
            continue
        data = out.get("data", {})
        if "metadata" in out and len(json.dumps(out.metadata, default=str)) > MAX_METADATA:
            out.metadata = NotebookNode({})
        for mime in list(data):
            size = _measure(data[mime])
            if mime == records.MIME:
                recorded += size
                if recorded > min(MAX_RECORDS, record_room):
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
    total = records_kept = 0
    fitted, cut = [], False
    for out in kept:  # in order, until the room is used up; records only (capped above) always
        size, record_size = _size(out)
        other = size - record_size
        if other and (cut or total + other > room):
            cut = True
            continue
        total += other
        records_kept += record_size
        fitted.append(out)
    if dropped or cut:
        note = NotebookNode(output_type="stream", name="stdout", text=DROPPED)
        fitted.append(note)
        total += len(DROPPED)
    outs[:] = fitted
    return total, records_kept


DROPPED = (f"\n... output dropped (more than {MAX_OUTPUTS} outputs in this cell, or more than {MAX_TOTAL:,} "
           "bytes of output in the notebook) ...\n")


def _is_note(out: NotebookNode) -> bool:
    return out.get("output_type") == "stream" and out.get("text") == DROPPED


_MEASURED: dict[int, tuple[object, int]] = {}  # id -> (the value, kept alive so that its id stays its own; size)


def _measure(value) -> int:
    """``len(str(value))``, computed once per value: a check record of 90,000 numbers is measured
    each time an output of its cell arrives, and ``str`` of it costs a second on a loaded machine."""
    if isinstance(value, str):
        return len(value)
    known = _MEASURED.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    if len(_MEASURED) > 10_000:
        _MEASURED.clear()
    size = len(str(value))
    _MEASURED[id(value)] = (value, size)
    return size


def _size(out: NotebookNode) -> tuple[int, int]:
    """An output's size in bytes (roughly: characters), and the part of it that is check records."""
    data = out.get("data", {})
    record = _measure(data[records.MIME]) if records.MIME in data else 0
    size = (len(out.get("text", "")) + sum(_measure(v) for v in data.values()) + (len(str(out.metadata)) if out.get("metadata") else 0)
            + len(out.get("evalue", "")) + sum(len(line) for line in out.get("traceback", [])))
    return size, record


def _cut(text: str, used: int) -> tuple[str, int]:
    """``text`` cut so that ``used`` + its length stays within MAX_TEXT, and the new total."""
    room = MAX_TEXT - used
    if len(text) <= room:
        return text, used + len(text)
    note = f"\n... output truncated (more than {MAX_TEXT} characters) ...\n"
    return (text[:max(room, 0)] + note if room > 0 else ""), MAX_TEXT + 1
