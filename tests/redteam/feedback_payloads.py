"""Red-team submissions against the feedback page and the graded notebook (issue 10, item 2).

Each submission is the honest, right 01_perceptron submission (``redteam_cases``) carrying
one class of payload: active content in a written answer or another markdown or raw cell,
in an output (``_repr_html_``, ``display(HTML(...))``, image metadata, widget state), or
code that puts the hidden tests into an output in some encoding after they ran. A script
that runs calls itself by name: it sets ``window.pwned`` and ``document.title`` and asks
for ``PROBE/<case>``, a URL on a listener the test starts on 127.0.0.1.
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
    nb.cells[_index(nb, "xor-answer")].source = text


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
    cell = nb.cells[_index(nb, "xor-answer")]
    cell.source = "See the figure: ![figure](attachment:proof.svg) ![other](attachment:proof.png)"
    cell.attachments = {"proof.svg": {"image/svg+xml": base64.b64encode(svg.encode()).decode()},
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
    id: str
    attack: str
    change: Callable  # (notebook, script, probe URL) -> None, in place


PAYLOADS = [
    Payload("answer_script", "<script> in the written answer", answer_script),
    Payload("answer_onerror", "<img onerror> and onmouseover in the written answer", answer_onerror),
    Payload("answer_iframe", "iframes (srcdoc, javascript:), object and embed in the written answer", answer_iframe),
    Payload("answer_js_link", "javascript: links, inline, by reference and as <a>", answer_js_link),
    Payload("answer_svg", "SVG with onload, <script> and foreignObject in the written answer", answer_svg),
    Payload("answer_mermaid", "a mermaid block (nbconvert copies it unescaped) and \\href in maths", answer_mermaid),
    Payload("answer_attachment", "attachments: an SVG with scripts, a 'PNG' that breaks out of src", answer_attachment),
    Payload("edited_markdown", "the assignment's text edited, a cell with style/link/meta refresh/base/form/img",
            edited_markdown),
    Payload("meta_refresh", "a markdown cell with a meta refresh to elsewhere", meta_refresh),
    Payload("raw_cell", "a raw cell (nbconvert copies it into the page as HTML)", raw_cell),
    Payload("repr_methods", "_repr_html_/_javascript_/_svg_/_markdown_/_latex_ outputs", repr_methods),
    Payload("display_objects", "display(HTML/Javascript/SVG/IFrame/Markdown) and raw mime bundles", display_objects),
    Payload("image_metadata", "image width metadata and image data that break out of <img>", image_metadata),
    Payload("widget_state", "a widget comm: state in the notebook's metadata, a widget view output", widget_state),
    Payload("leak_reversed", 'a last cell print("\\n".join(In)[::-1])', leak_reversed),
    Payload("leak_base64", "base64 of In by the last cell and by an answer each time it is called", leak_base64),
    Payload("leak_update_display", "a display shown early, updated after the hidden tests with them",
            leak_update_display),
    Payload("leak_thread", "a thread started early prints each running cell in base64", leak_thread),
]


def submission(payload: Payload, released: nbformat.NotebookNode, probe: str) -> nbformat.NotebookNode:
    """The honest right submission with ``payload`` in it."""
    nb = fill(released, honest_answers("right"))
    payload.change(nb, script(payload.id, probe), probe)
    return nb
