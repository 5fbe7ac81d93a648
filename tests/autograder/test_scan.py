"""autograder.scan: each kind of suspicious code is flagged; the course's honest answers are not."""
import nbformat
import pytest

from autograder.scan import scan_code
from released_notebooks import ASSIGNMENTS, cell_of, independent, independent_styles, released, source

ASSIGNMENT = "01_perceptron"  # its setup imports numpy as np, nnkit and autograder.checks; not os


def findings(code: str, assignment: str = ASSIGNMENT) -> list[str]:
    """What the scan says about the answer cell ``predict`` holding ``code``."""
    nb = released(assignment)
    grade_id = next(c.metadata.nbgrader.grade_id for c in nb.cells
                    if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))
    cell_of(nb, grade_id).source = code
    return scan_code(nb, released(assignment))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_instructor_solutions_have_no_findings(assignment):
    assert scan_code(source(assignment), released(assignment)) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_independent_answers_have_no_findings(assignment):
    for style in independent_styles(assignment):
        assert scan_code(independent(assignment, style), released(assignment)) == [], style


@pytest.mark.parametrize("code, finding", [
    # the IPython shell, also reached through its syntax
    ("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])", "uses get_ipython"),
    ("!cat ../../../source/01_perceptron/01_perceptron.ipynb", "uses get_ipython"),
    ("%config InteractiveShell.ast_node_interactivity = 'none'", "uses get_ipython"),
    # code made or reached at run time
    ("exec('import os')", "uses exec"),
    ("run = eval\nrun('1')", "uses eval"),
    ("code = compile('1', 'x', 'eval')", "uses compile"),
    ("m = __import__('o' + 's')", "uses __import__"),
    ("g = globals()\ng['predict'] = lambda *a: 1", "uses globals"),
    ("vars(np)['isclose'] = lambda *a, **k: True", "uses vars"),
    ("setattr(np, 'allclose', lambda *a, **k: True)", "uses setattr"),
    ("delattr(checks, 'fail')", "uses delattr"),
    ("name = 'allclose'\nf = getattr(np, name)", "calls getattr"),
    ("Always = type('Always', (), {})", "calls type"),
    # modules: imported here, or bound by another cell
    ("import os\nos.kill(1, 9)", "uses os"),
    ("from os import system", "uses os"),
    ("import asyncio\nawait asyncio.sleep(0)\nimport os\nos.fork()", "uses os"),  # IPython runs top-level await
    ("import os.path as p\np.os.fork()", "uses os"),
    ("import sys\nsys.stderr.buffer.raw.write(b'')", "uses sys"),
    ("from sys import stderr\nstderr.buffer", "uses sys"),
    ("from subprocess import run", "uses subprocess"),
    ("import importlib.util", "uses importlib"),
    ("def f():\n    import ctypes", "uses ctypes"),
    ("import sqlite3\nsqlite3.connect('gradebook.db')", "uses sqlite3"),
    ("from nbgrader.api import Gradebook", "uses nbgrader"),
    ("checks.records = []", "uses autograder"),
    ("import socket", "uses socket"),
    ("import threading", "uses threading"),
    ("import pickle", "uses pickle"),
    # Python internals, and objects that decide how they compare or convert
    ("x = ().__class__.__base__.__subclasses__()", "uses __class__"),
    ("b = __builtins__", "uses __builtins__"),
    ("f = getattr(np, '__dict__')", "names __dict__"),
    ("class Always:\n    def __eq__(self, other):\n        return True", "defines __eq__"),
    ("class Always:\n    __eq__ = lambda self, other: True", "defines __eq__"),
    ("class Near(float):\n    def __sub__(self, other):\n        return 0.0", "defines __sub__"),
    ("class Fake:\n    def __array__(self, dtype=None):\n        return np.ones(3)", "defines __array__"),
    ("class Fake:\n    def __float__(self):\n        return 1.0", "defines __float__"),
    ("def peek():\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n"
     "        return e.__traceback__.tb_frame.f_back.f_locals", "uses tb_frame"),
    ("def caller(gen):\n    return gen.gi_frame.f_back", "uses f_back"),
    # patching shared modules
    ("np.testing.assert_allclose = lambda *a, **k: None", "changes numpy.testing.assert_allclose"),
    ("nnkit.activations.step = lambda z: z", "changes nnkit.activations.step"),
    ("checks.check_array = print", "changes autograder.checks.check_array"),
    ("t = np.testing\nt.assert_allclose = print", "changes numpy.testing.assert_allclose"),
    ("del np.isclose", "changes numpy.isclose"),
    ("np.__dict__['allclose'] = print", "uses __dict__"),
    ("nnkit.activations.ACTIVATIONS['step'] = print", "changes nnkit.activations.ACTIVATIONS"),
    # names the test cells rely on
    ("checks = None", "rebinds checks"),
    ("import numpy as checks", "rebinds checks"),
    ("len = lambda x: 5", "rebinds len"),
    ("def isinstance(obj, kind):\n    return True", "rebinds isinstance"),
    ("def f():\n    global len\n    len = lambda x: 0", "rebinds len"),
    # files
    ("open('numpy.py', 'w').write('')", "calls open"),
    ("open('notes.txt', mode='a')", "calls open"),
    ("f = open", "uses open"),
    ("text = open('../../gradebook.db', 'rb').read()", "names '../../gradebook.db'"),
    ("x = np.load('/etc/passwd')", "names '/etc/passwd'"),
    ("np.savetxt('checks.py', [1])", "names 'checks.py'"),
    # ending the kernel
    ("raise SystemExit", "raises SystemExit"),
    ("raise KeyboardInterrupt()", "raises KeyboardInterrupt"),
    ("exit()", "uses exit"),
    ("import sys\nsys.exit(0)", "uses sys.exit"),
    ("import os\nos._exit(0)", "uses os._exit"),
])
def test_suspicious_code_is_flagged(code, finding):
    found = findings(code)
    assert any(f.startswith(f"cell 4: {finding} (") for f in found), found


def test_a_module_imported_by_a_released_cell_is_flagged_where_the_student_uses_it():
    # 04_activations' setup imports os for the notebook's own use; the answer cells must not need it
    found = findings("def tanh_derivative(z):\n    os.kill(os.getppid(), 9)", "04_activations")
    assert found == ["cell 4: uses os (files and processes outside the notebook)"]


@pytest.mark.parametrize("code", [
    "def predict(X, w, b):\n    return np.where(X @ w + b >= 0, 1.0, -1.0)",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.rcParams['figure.figsize'] = (8, 4)",
    "import math, itertools, functools, collections, random, time, copy",
    "import numpy as np\nfrom numpy.testing import assert_allclose\nassert_allclose(1.0, 1.0)",
    "x = getattr(np, 'pi')\nkind = type(x)\ndata = open('data.csv').read()",
    "class Model:\n    def __init__(self):\n        super().__init__()\n    def __repr__(self):\n        return 'Model'",
    "for layer in net.layers:\n    layer.W = layer.W - 0.1\nw = np.zeros(3)\nw[0] = 1.0",
    "def f(x):\n    len = 3  # a local name shadows nothing in the tests\n    return x * len",
    "total = sum([1, 2])\nif __name__ == '__main__':\n    print(f'{total} / 2 ... done')",
    "raise ValueError('not this one')",
    "input = np.array([1.0, 2.0])  # builtins the tests do not use are free to take",
    "def predict(X, w, b:\n    return 0",  # a syntax error is the student's loss, not a finding
    "import sys\nprint('debug', file=sys.stderr)\nsys.stdout.write('x')\nfrom sys import stderr",
    "import os\npath = os.path.join(os.getcwd(), 'data.csv')",
])
def test_honest_code_is_not_flagged(code):
    assert findings(code) == []


def test_only_the_students_code_is_scanned():
    nb = released("04_activations")  # its released setup cell imports os: trusted, like every released cell
    nb.cells.append(nbformat.v4.new_markdown_cell("import os; os.system('rm -rf ~')"))  # markdown does not run
    nb.cells.append(nbformat.from_dict(nb.cells[1]))  # a released cell pasted again
    assert scan_code(nb, released("04_activations")) == []


def test_a_locked_cell_is_not_scanned_since_grading_restores_it():
    nb = released(ASSIGNMENT)
    cell_of(nb, "test-predict-values").source = "import os\nos.fork()"  # nbgrader puts the released source back
    assert scan_code(nb, released(ASSIGNMENT)) == []
    cell_of(nb, "predict").source = "import os\nos.fork()"
    assert scan_code(nb, released(ASSIGNMENT)) == ["cell 4: uses os (files and processes outside the notebook)"]


def test_an_added_cell_is_scanned_and_numbered_from_one():
    nb = released(ASSIGNMENT)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import subprocess"))
    assert scan_code(nb, released(ASSIGNMENT)) == ["cell 1: uses subprocess (other processes, threads or signals)"]


def test_a_cell_too_long_to_scan_is_flagged_for_reading():
    found = findings("x = [" + "1, " * 50_000 + "]")
    assert found == ["cell 4: 150,006 characters of code (too long to scan: read it)"]


def test_a_future_import_and_the_cells_it_makes_unreadable_are_noted():
    nb = released("01_perceptron")
    nb.cells[2:2] = [nbformat.v4.new_code_cell("from __future__ import barry_as_FLUFL"),
                     nbformat.v4.new_code_cell("if 1 <> 2:\n    import os\n")]
    found = scan_code(nb, released("01_perceptron"))
    assert any("imports from __future__ (barry_as_FLUFL)" in f for f in found)
    assert any(f.startswith("cell 4: not readable as Python here") for f in found)
