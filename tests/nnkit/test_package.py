"""The package's surface: explicit __all__, fast import, docstrings with formulas."""
import importlib
import inspect
import subprocess
import sys

import pytest

import nnkit

MODULES = ["activations", "losses", "initializers", "layers", "models", "optimizers", "linear", "gradcheck",
           "metrics", "datasets", "plot", "keras_bridge"]


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_all_and_documents_it(name):
    module = importlib.import_module(f"nnkit.{name}")
    assert module.__doc__ and module.__all__
    for symbol in module.__all__:
        obj = getattr(module, symbol)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"nnkit.{name}.{symbol} has no docstring"


def test_import_nnkit_stays_light():
    code = "import sys, nnkit; print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_lazy_attributes():
    assert nnkit.plot.plot_activation
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        nnkit.nope


@pytest.mark.parametrize("name", ["activations", "losses", "models", "layers", "linear", "optimizers", "initializers",
                                  "metrics"])
def test_maths_is_documented_with_formulas(name):
    module = importlib.import_module(f"nnkit.{name}")
    assert ".. math::" in inspect.getsource(module)
