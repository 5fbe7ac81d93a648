"""Student content made inert: text and images only, markdown of the student's shown as text."""
import base64
import copy

import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from autograder import records
from autograder.sanitize import as_text, inert_output, is_text, make_graded_notebook_inert, make_inert

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
XSS = '<img src="x" onerror="alert(1)"><script>alert(2)</script>'


def test_rich_outputs_keep_text_and_images_only():
    html = new_output("display_data", data={"text/html": XSS, "text/plain": "<HTML object>"})
    assert inert_output(html).data == {"text/plain": "<HTML object>\n[not shown: text/html]"}
    js = new_output("display_data", data={"application/javascript": "alert(1)"})
    assert inert_output(js).data == {"text/plain": "[not shown: application/javascript]"}
    figure = new_output("execute_result", execution_count=3, data={"image/png": PNG, "image/svg+xml": XSS,
                                                                    "text/plain": "<Figure>"},
                        metadata={"image/png": {"width": "1 onerror=alert(1)"}, "filenames": {"image/png": "x"}})
    kept = inert_output(figure)
    assert kept.data == {"image/png": PNG, "text/plain": "<Figure>"} and kept.metadata == {}
    assert kept.execution_count == 3


def test_image_data_that_is_not_base64_is_dropped():
    broken = new_output("display_data", data={"image/png": 'x" onerror="alert(1)'})
    assert inert_output(broken).data == {"text/plain": "[not shown: image/png]"}


def test_stream_error_and_unknown_outputs_are_rebuilt_from_plain_fields():
    stream = inert_output({"output_type": "stream", "name": 'x"><script>', "text": ["a", "b"], "extra": 1})
    assert stream == new_output("stream", name="stdout", text="ab")
    error = inert_output({"output_type": "error", "ename": "E", "evalue": {"html": XSS}, "traceback": "x"})
    assert error.traceback == [] and isinstance(error.evalue, str)
    assert inert_output({"output_type": "update_display_data", "data": {}}) is None
    result = inert_output({"output_type": "execute_result", "execution_count": "<b>", "data": {"text/plain": "1"}})
    assert result.execution_count is None


def test_records_are_kept_only_where_asked():
    record = new_output("display_data", data={records.MIME: {"kind": "passed", "name": "x"}})
    assert inert_output(record).data == {"text/plain": f"[not shown: {records.MIME}]"}
    assert inert_output(record, {records.MIME}).data == {records.MIME: {"kind": "passed", "name": "x"}}


def test_text_blocks_cannot_be_closed_from_inside():
    source = "see:\n```\n<script>alert(1)</script>\n````\n[x](javascript:alert(1))\n```mermaid\n<img onerror=a>\n```"
    block = as_text(source)
    assert is_text(block) and as_text(block) == block
    page = markdown2html_mistune(block)
    assert "<script" not in page and "<img" not in page and "href" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not is_text("````text\nclosed early\n````\n<script>\n````")


def hostile_notebook():
    written = new_markdown_cell(f"My answer {XSS}", metadata={"nbgrader": {"grade_id": "why", "solution": True,
                                                                             "grade": True, "points": 1}})
    written.attachments = {"a.svg": {"image/svg+xml": base64.b64encode(b"<svg onload='alert(1)'/>").decode()}}
    intro = new_markdown_cell("# Intro\n\nRead **this**.")
    intro.attachments = {"forged.png": {"image/png": PNG}}
    answer = new_code_cell("show()", execution_count=2, outputs=[
        new_output("display_data", data={"text/html": XSS, "text/plain": "obj"})])
    nb = new_notebook(cells=[intro, new_markdown_cell(f"# Intro, edited {XSS}"), answer, written,
                             new_raw_cell(XSS)],
                      metadata={"kernelspec": KERNEL, "widgets": {"state": XSS}, "anything": 1})
    return nb


def test_markdown_of_the_released_notebook_renders_the_rest_is_text():
    released = new_notebook(cells=[new_markdown_cell("# Intro\n\nRead **this**.")])
    nb = make_inert(hostile_notebook(), released)
    intro, edited, _, written, raw = nb.cells
    assert intro.source == "# Intro\n\nRead **this**." and "attachments" not in intro
    assert all(is_text(cell.source) and cell.cell_type == "markdown" for cell in (edited, written, raw))
    assert "attachments" not in written and XSS in written.source
    assert written.metadata.nbgrader.grade_id == "why"  # still the graded cell a person scores


def test_without_the_released_notebook_no_markdown_is_trusted():
    nb = make_inert(hostile_notebook())
    assert all(is_text(cell.source) for cell in nb.cells if cell.cell_type == "markdown")


def test_notebook_metadata_keeps_kernelspec_and_nbgrader_only():
    nb = make_inert(hostile_notebook())
    assert nb.metadata == {"kernelspec": KERNEL}


def test_making_inert_twice_changes_nothing():
    once = make_inert(hostile_notebook(), new_notebook(cells=[new_markdown_cell("# Intro\n\nRead **this**.")]))
    twice = make_inert(copy.deepcopy(once), new_notebook(cells=[new_markdown_cell("# Intro\n\nRead **this**.")]))
    assert twice == once


def test_graded_notebook_file_keeps_the_records_of_its_test_cells(tmp_path):
    record = new_output("display_data", data={records.MIME: {"kind": "passed", "name": "x"}})
    test = new_code_cell("checks.passed('x')", outputs=[record],
                         metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}})
    answer = new_code_cell("fake()", outputs=[copy.deepcopy(record)])
    path = tmp_path / "graded.ipynb"
    nbformat.write(new_notebook(cells=[answer, test], metadata={"widgets": {}}), path)
    make_graded_notebook_inert(path, None)
    nb = nbformat.read(path, as_version=4)
    assert list(nb.cells[1].outputs[0].data) == [records.MIME]
    assert list(nb.cells[0].outputs[0].data) == ["text/plain"]
    assert "widgets" not in nb.metadata
