"""The files here are answer cells (``nbgrading.independent_answers(id, style="second")``), not modules."""
collect_ignore_glob = ["*.py"]
