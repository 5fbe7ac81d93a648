"""autograder.validate: unreadable notebooks are refused, nbgrader metadata is never trusted."""
import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from autograder.validate import NotebookProblem, check_notebook, repair_notebook
from released_notebooks import ASSIGNMENTS, cell_of, independent, released

ASSIGNMENT = "01_perceptron"  # its test cell test-predict-values is worth 2 points


@pytest.fixture
def student():
    return released(ASSIGNMENT)


@pytest.fixture
def repair(tmp_path):
    """Write a notebook as a student would submit it, repair it, check the result is gradeable."""
    def _repair(nb):
        path = tmp_path / "submitted.ipynb"
        nbformat.write(nb, path)
        repaired, notes = repair_notebook(path, released(ASSIGNMENT))
        nbformat.validate(repaired)
        MetadataValidator().validate_nb(repaired)  # what aborted nbgrader's whole run
        return repaired, notes
    return _repair


def index_of(nb, grade_id):
    return nb.cells.index(cell_of(nb, grade_id))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_notebook_as_jupyter_saves_it_gives_no_notes(assignment, tmp_path):
    nb = independent(assignment)
    nb.metadata.kernelspec = {"name": "conda-env-course-py", "display_name": "Python [conda env:course]",
                              "language": "python"}
    nb.metadata.language_info = {"name": "python", "version": "3.12.1", "file_extension": ".py"}
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
        cell.metadata["execution"] = {"iopub.status.idle": "2026-11-21T10:00:00Z"}
    nbformat.write(nb, tmp_path / "honest.ipynb")

    repaired, notes = repair_notebook(tmp_path / "honest.ipynb", released(assignment))

    assert notes == []
    assert repaired.metadata == released(assignment).metadata
    assert [c.source for c in repaired.cells] == [c.source for c in independent(assignment).cells]
    assert all(c.outputs == [] and c.execution_count is None for c in repaired.cells if c.cell_type == "code")


def test_too_new_schema_version_is_reset(student, repair):
    cell_of(student, "test-predict-values").metadata.nbgrader.schema_version = 99
    repaired, notes = repair(student)
    assert notes == ["test-predict-values: schema_version 99 reset to 3"]
    assert cell_of(repaired, "test-predict-values").metadata == cell_of(released(ASSIGNMENT), "test-predict-values").metadata


def test_changed_points_are_reset(student, repair):
    cell_of(student, "test-predict-values").metadata.nbgrader.points = 200
    repaired, notes = repair(student)
    assert notes == ["test-predict-values: points 200 reset to 2"]
    assert cell_of(repaired, "test-predict-values").metadata.nbgrader.points == 2


def test_a_solution_cell_made_a_graded_one_is_reset(student, repair):
    meta = cell_of(student, "predict").metadata.nbgrader
    meta.update(grade=True, points=50, locked=True)
    repaired, notes = repair(student)
    assert notes == ["predict: grade true reset to false", "predict: locked true reset to false",
                     "predict: points 50 reset to (none)"]
    assert cell_of(repaired, "predict").metadata == cell_of(released(ASSIGNMENT), "predict").metadata


def test_unknown_grade_id_is_dropped(student, repair):
    extra = nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {
        "grade_id": "bonus", "grade": True, "points": 100, "solution": False, "locked": False, "schema_version": 3}})
    student.cells.append(extra)
    repaired, notes = repair(student)
    assert notes == [f"cell {len(student.cells)}: nbgrader metadata dropped (unknown grade_id 'bonus')"]
    assert repaired.cells[-1].metadata == {}
    assert repaired.cells[-1].source == "pass"


def test_duplicate_grade_id_keeps_the_first(student, repair):
    position = index_of(student, "test-predict-values")
    copied = nbformat.from_dict(student.cells[position])
    copied.id = "pasted"  # Jupyter gives a pasted cell an id of its own
    student.cells.insert(position + 1, copied)
    repaired, notes = repair(student)
    assert notes == [f"cell {position + 2}: nbgrader metadata dropped "
                     "(grade_id 'test-predict-values' already used by an earlier cell)"]
    assert repaired.cells[position].metadata.nbgrader.grade_id == "test-predict-values"
    assert repaired.cells[position + 1].metadata == {}


@pytest.mark.parametrize("meta, reason", [({"points": 5, "grade": True}, "no grade_id"),
                                          ("test-predict-values", "no grade_id"),
                                          ({"grade_id": ["test-predict-values"]}, "unknown grade_id")])
def test_metadata_without_a_usable_grade_id_is_dropped(student, repair, meta, reason):
    student.cells[0].metadata["nbgrader"] = meta
    repaired, notes = repair(student)
    assert len(notes) == 1 and notes[0].startswith(f"cell 1: nbgrader metadata dropped ({reason}")
    assert repaired.cells[0].metadata == {}


def test_metadata_moved_to_another_cell_goes_with_its_grade_id(student, repair):
    test_cell = cell_of(student, "test-predict-values")
    moved = nbformat.v4.new_code_cell("pass  # counted as the test", metadata=dict(test_cell.metadata))
    test_cell.metadata = {}
    student.cells.insert(index_of(student, "predict"), moved)  # before the answer it tests
    repaired, notes = repair(student)
    assert notes == ["test-predict-values: moved out of its place among the graded cells"]
    position = student.cells.index(moved)
    # the cell carrying the grade_id has the released metadata: nbgrader puts the test's source back into it
    assert repaired.cells[position].metadata == cell_of(released(ASSIGNMENT), "test-predict-values").metadata
    assert repaired.cells[position + 2].metadata == {}


def test_graded_code_cell_turned_markdown_is_code_again(student, repair):
    position = index_of(student, "train_perceptron")
    student.cells[position] = nbformat.v4.new_markdown_cell(student.cells[position].source,
                                                            metadata=student.cells[position].metadata)
    repaired, notes = repair(student)
    assert notes == ["train_perceptron: cell type markdown reset to code"]
    assert repaired.cells[position].cell_type == "code"
    assert repaired.cells[position].outputs == []


def test_tags_on_a_graded_cell_are_dropped(student, repair):
    cell_of(student, "test-predict-edges").metadata["tags"] = ["skip-execution"]
    repaired, notes = repair(student)
    assert notes == ['test-predict-edges: tags ["skip-execution"] dropped']
    assert "tags" not in cell_of(repaired, "test-predict-edges").metadata


def test_notebook_metadata_is_the_released_one(student, repair):
    student.metadata["nbgrader"] = {"schema_version": 99}
    student.metadata["kernelspec"] = {"name": "evil", "display_name": "evil", "language": "python"}
    repaired, notes = repair(student)
    assert notes == ["notebook: nbgrader metadata reset"]
    assert repaired.metadata == released(ASSIGNMENT).metadata


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.ipynb"
    path.write_bytes('{"cells": [], "note": "caf\u00e9"}'.encode("latin-1"))
    with pytest.raises(NotebookProblem, match=r"^not a notebook \(not UTF-8 text\)$"):
        repair_notebook(path, released(ASSIGNMENT))
    assert check_notebook(path) == "not a notebook (not UTF-8 text)"


def test_invalid_json_names_the_line_and_column(student, tmp_path):
    lines = nbformat.writes(student).splitlines()
    broken = next(n for n, line in enumerate(lines) if line.rstrip().endswith("},") and n > 10)
    lines[broken] = lines[broken].rstrip()[:-1]  # a missing comma: the next line is where JSON breaks
    column = len(lines[broken + 1]) - len(lines[broken + 1].lstrip()) + 1
    path = tmp_path / "broken.ipynb"
    path.write_text("\n".join(lines))
    expected = f"malformed notebook (invalid JSON at line {broken + 2}, column {column})"
    with pytest.raises(NotebookProblem) as raised:
        repair_notebook(path, released(ASSIGNMENT))
    assert str(raised.value) == expected
    assert check_notebook(path) == expected


@pytest.mark.parametrize("text, problem", [
    ("[1, 2]", "not a notebook (JSON without cells)"),
    ('{"cells": [{"cell_type": "code"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     "not a valid notebook ("),
    ("[" * 100_000 + "]" * 100_000, "malformed notebook ("),
])
def test_json_that_is_not_a_notebook_is_refused(tmp_path, text, problem):
    path = tmp_path / "odd.ipynb"
    path.write_text(text)
    with pytest.raises(NotebookProblem) as raised:
        repair_notebook(path, released(ASSIGNMENT))
    assert str(raised.value).startswith(problem)
    assert check_notebook(path) == str(raised.value)


def test_a_valid_notebook_has_no_problem(student, tmp_path):
    nbformat.write(student, tmp_path / "ok.ipynb")
    assert check_notebook(tmp_path / "ok.ipynb") is None


def test_a_notebook_too_large_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.ipynb"
    with open(huge, "wb") as f:
        f.truncate(60 * 2**20)  # sparse: nothing is written, the size is what counts
    assert check_notebook(huge) == "notebook too large (60 MiB; at most 50 MiB)"
