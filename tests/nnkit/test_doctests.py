"""The examples in nnkit's docstrings run and print what they show."""
import doctest
import importlib

import pytest

MODULES = ["activations", "losses", "initializers", "layers", "models", "optimizers", "linear", "gradcheck",
           "metrics", "datasets", "plot", "keras_bridge"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"nnkit.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in nnkit.{name} failed"
