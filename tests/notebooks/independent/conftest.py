"""The files here are answer cells for the notebook tests (read by ``nbgrading.independent_answers``),
not modules: pytest must not import them, which ``--doctest-modules`` would otherwise do."""
collect_ignore_glob = ["*.py"]
