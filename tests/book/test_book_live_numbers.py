"""Numbers the book states about a live computation come from the page's code, never typed.

The built pages are read back and their numbers recomputed here with nnkit; and the page sources
are searched for the worked example's numbers written into the prose by hand.
"""
import html
import re

import numpy as np
import pytest

import nnkit
from book_site import ROOT, toc_pages

# The lecture notes' 2-2-1 example in nnkit's layout (W1 is the notes' W transposed)
WORKED_WEIGHTS = [np.array([[0.1, 0.3], [0.2, 0.4]]), np.array([0.5, 0.5]), np.array([[0.5], [0.6]]),
                  np.array([0.5])]
X, T = np.array([[0.2, 0.3]]), np.array([[0.0]])
# What the notes print for it: these must never be typed into a page's prose.
NOTES_NUMBERS = ["0.58", "0.68", "0.64", "0.66", "1.22", "0.77", "0.60", "0.17", "0.18", "0.27", "0.0063",
                 "0.0094", "0.0073", "0.011", "0.031", "0.036", "0.094", "0.19", "0.29", "0.39", "0.47",
                 "0.46", "0.33", "0.42", "0.23", "0.67", "0.7718", "0.5957", "0.6702", "0.1743", "0.1804",
                 "0.2718", "0.00626", "0.00938", "0.00728", "0.01092", "0.0313", "0.0364"]


def worked_example():
    """Every quantity of the worked example, keyed by its label in the page's table."""
    net = nnkit.MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid")
    net.set_weights(WORKED_WEIGHTS)
    y = net.forward(X)[0, 0]
    hidden, output = net.layers
    loss, [(dW1, db1), (dW2, db2)] = net.loss_and_gradients(X, T, loss="mse")
    net.fit(X, T, loss="mse", optimizer=nnkit.optimizers.GradientDescent(1.0), epochs=1)
    W1n, b1n, W2n, b2n = net.get_weights()
    values = {
        r"hidden sum \(z^{(1)}_1\)": hidden._Z[0, 0], r"hidden sum \(z^{(1)}_2\)": hidden._Z[0, 1],
        r"hidden activation \(a^{(1)}_1\)": output._X[0, 0], r"hidden activation \(a^{(1)}_2\)": output._X[0, 1],
        r"output sum \(z^{(2)}\)": output._Z[0, 0], r"output \(y\)": y, r"loss \(E = (y - t)^2\)": loss,
        r"\(\partial E / \partial W'_1\)": dW2[0, 0], r"\(\partial E / \partial W'_2\)": dW2[1, 0],
        r"\(\partial E / \partial b'\)": db2[0],
        r"\(\partial E / \partial b_1\)": db1[0], r"\(\partial E / \partial b_2\)": db1[1],
        r"new \(b_1\)": b1n[0], r"new \(b_2\)": b1n[1], r"new \(W'_1\)": W2n[0, 0], r"new \(W'_2\)": W2n[1, 0],
        r"new \(b'\)": b2n[0], "output after the step": net.predict(X)[0, 0],
    }
    for i in range(2):          # the notes' W_ij (into hidden unit i from input j) is nnkit's W1[j, i]
        for j in range(2):
            values[rf"\(\partial E / \partial W_{{{i + 1}{j + 1}}}\)"] = dW1[j, i]
            values[rf"new \(W_{{{i + 1}{j + 1}}}\)"] = W1n[j, i]
    return values


def table_rows(page_html, header):
    """The rows of the table whose first header cell is ``header``, as lists of cell texts."""
    for table in re.findall(r"<table.*?</table>", page_html, re.S):
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]
        if rows and rows[0][0] == header:
            return rows[1:]
    raise AssertionError(f"no table headed {header!r}")


def prose(page_html):
    """The text of the page's paragraphs, tags removed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", page_html, re.S))


def test_worked_example_table_matches_nnkit(book):
    expected = worked_example()
    rows = table_rows(book.html("book/03_backprop"), "quantity")
    shown = {label: (float(ours), notes) for label, ours, notes in rows}
    assert set(shown) == set(expected)
    for label, (ours, notes) in shown.items():
        assert ours == pytest.approx(expected[label], abs=1e-5), label
        decimals = len(notes.split(".")[1])
        assert abs(float(notes) - expected[label]) <= 0.5 * 10 ** -decimals + 1e-12, f"{label}: notes say {notes}"


def test_worked_example_prose_matches_nnkit(book):
    expected = worked_example()
    text = prose(book.html("book/03_backprop"))
    found = re.search(r"One step takes the output from (\d+\.\d+) to (\d+\.\d+)", text)
    assert found, "the sentence quoting the worked example's outputs is missing"
    assert float(found[1]) == pytest.approx(expected[r"output \(y\)"], abs=5e-5)
    assert float(found[2]) == pytest.approx(expected["output after the step"], abs=5e-5)
    loss = re.search(r"the loss falls from (\d+\.\d+) to (\d+\.\d+)", text)
    assert loss, "the sentence quoting the worked example's loss before and after the step is missing"
    assert float(loss[1]) == pytest.approx(expected[r"loss \(E = (y - t)^2\)"], abs=5e-5)
    assert float(loss[2]) == pytest.approx(float((expected["output after the step"] - T[0, 0]) ** 2), abs=5e-5)


def test_swimming_example_matches_nnkit(book):
    text = prose(book.html("book/01_perceptron"))
    found = re.search(r"The weighted sum is \\\(z =\\\) ([-\d.]+), above zero, so the answer is: "
                      r"(go swimming|stay home)", text)
    assert found, "the sentence with the swimming decision is missing"
    z = np.array([4.0, 2.0, 4.0]) @ np.array([1.0, 0.0, 1.0]) - 3.0
    assert float(found[1]) == z
    assert (found[2] == "go swimming") == bool(nnkit.activations.step(z))


def source_prose(path):
    """A page's Markdown without code cells, code blocks, maths and {glue} roles."""
    text = path.read_text()
    text = re.sub(r"^```(\{code-cell\}|python).*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"`[^`]*`", "", text)                 # roles (glue included) and inline code
    return re.sub(r"\$\$.*?\$\$|\$[^$]*\$", "", text, flags=re.S)


@pytest.mark.parametrize("page", [p for p in toc_pages() if p != "book/references"])
def test_worked_numbers_are_not_typed_in_prose(page):
    text = source_prose(ROOT / f"{page}.md")
    typed = [n for n in NOTES_NUMBERS if re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", text)]
    assert not typed, f"{page} types the worked example's numbers {typed}: compute them and use {{glue}}"
