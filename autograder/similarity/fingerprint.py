"""Fingerprints of one cell: normalised tokens, k-grams, winnowing (Schleimer, Wilkerson and Aiken,
SIGMOD 2003, the method of MOSS).

Normalisation makes the tokens blind to what a copy usually changes:

- comments, docstrings (a string that is a statement by itself), blank lines, indentation and
  spacing are dropped; IPython's ``%magic`` and ``!shell`` lines are comments;
- every name is ``V`` except keywords, attribute names (``np.where`` stays ``np . where``) and the
  names the assignment itself gives (Python's builtins, the released notebook's module-level names:
  ``np``, ``predict``, a data set): renaming variables, parameters or helpers changes nothing,
  while the library calls and the required functions, which tell answers apart, are kept;
- grouping parentheses are dropped (``return (a, b)`` is ``return a, b``), a call's are kept;
- every string is ``S`` (messages and labels are easy to reword); numbers are kept, written one
  way (``1.`` and ``1.0`` alike): a constant says much about how an answer was reached;
- written answers (markdown) are their lower-case words.

A cell is cut into units, each top-level function or class and each run of other statements,
and k-grams never cross a unit: functions put in another order keep every fingerprint. Of the
k-gram hashes h_1..h_n of a unit, winnowing keeps in every window of ``WINDOW`` consecutive
hashes the smallest (the rightmost on a tie), so any run of at least ``K + WINDOW - 1`` tokens
shared by two cells gives them at least one shared fingerprint, and no run shorter than ``K``
tokens does.
"""
from __future__ import annotations

import ast
import builtins
import functools
import keyword
import re
import typing
import zlib

K = 10  # tokens per k-gram: shorter shared runs are noise (``return np . maximum ( V , 0 ) ;`` is 9)
WINDOW = 5  # winnowing window: every shared run of K + WINDOW - 1 = 14 tokens or more is found
HASH_MASK = 2**63 - 1
MAGIC = re.compile(r"^(\s*)[%!]", re.MULTILINE)
WORD = re.compile(r"\w+")
LEXER = re.compile(r"""
    (?P<skip> [ \t\f\r]+ | \#[^\n]* | \\\r?\n )
  | (?P<string> [rRbBuUfF]{0,2} (?: '''(?:\\.|[^\\])*?(?:'''|$) | \"\"\"(?:\\.|[^\\])*?(?:\"\"\"|$)
                                  | '(?:\\.|[^'\\\n])*'? | "(?:\\.|[^"\\\n])*"? ) )
  | (?P<name> [^\W\d]\w* )
  | (?P<number> 0[xXoObB]\w+ | (?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]? )
  | (?P<newline> \n )
  | (?P<op> \*\*=? | //=? | >>=? | <<=? | -> | := | \.\.\. | [-+*/%&|^@=<>!]= | \S )
""", re.VERBOSE | re.DOTALL)
GIVEN = frozenset(dir(builtins))


class Token(typing.NamedTuple):
    text: str  # normalised
    start: int  # character offsets in the cell's source
    end: int


class Fingerprint(typing.NamedTuple):
    hash: int
    start: int  # the characters of the cell's source its k-gram covers
    end: int


def given_names(code_cells: list[str]) -> frozenset[str]:
    """The names a released notebook gives its students: the builtins and every module-level name
    its code cells bind (imports, assignments, functions, classes)."""
    names = set(GIVEN)
    for source in code_cells:
        try:
            tree = ast.parse(MAGIC.sub(r"\1#", source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            else:
                names.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return frozenset(names)


def code_fingerprints(source: str, given: frozenset[str]) -> list[Fingerprint]:
    """The winnowed fingerprints of a code cell, unit by unit."""
    text = MAGIC.sub(r"\1#", source)  # same length: offsets stay those of ``source``
    tokens = code_tokens(text, given)
    prints = []
    for unit in units(text, tokens):
        prints += winnow(unit)
    return prints


def prose_fingerprints(source: str) -> list[Fingerprint]:
    """The winnowed fingerprints of a written answer: its lower-case words."""
    return winnow([Token(m[0].lower(), m.start(), m.end()) for m in WORD.finditer(source)])


def code_tokens(text: str, given: frozenset[str]) -> list[Token]:
    """The normalised tokens of ``text`` (see the module's docstring), by a lexer of its own rather than
    Python's ``tokenize``: several times as fast, and code that does not parse is read the same way."""
    tokens: list[Token] = []
    depth = 0  # of brackets: a line break inside them ends no statement
    for m in LEXER.finditer(text):
        kind, word = m.lastgroup, m[0]
        if kind == "skip":
            continue
        if kind == "newline":
            if depth == 0 and tokens and tokens[-1].text != ";":
                tokens.append(Token(";", m.start(), m.end()))
            continue
        if kind == "name":
            after_dot = bool(tokens) and tokens[-1].text == "."
            normal = word if after_dot or keyword.iskeyword(word) or word in given else "V"
        elif kind == "string":
            normal = "S"
        elif kind == "number":
            normal = _number(word)
        else:
            normal = word
            if word in ("(", "[", "{"):
                depth += 1
            elif word in (")", "]", "}"):
                depth = max(0, depth - 1)
        tokens.append(Token(normal, m.start(), m.end()))
    if tokens and tokens[-1].text != ";":  # the last line ends a statement, with a line break or not
        tokens.append(Token(";", len(text), len(text)))
    return _without_grouping(_without_docstrings(tokens))


@functools.lru_cache(maxsize=4096)
def _number(word: str) -> str:
    """A number written one way (``1.`` and ``1.0`` alike)."""
    try:
        return repr(ast.literal_eval(word.replace("_", "")))
    except (ValueError, SyntaxError, MemoryError):
        return word


def _without_docstrings(tokens: list[Token]) -> list[Token]:
    """``tokens`` without the strings that are statements by themselves (docstrings, notes)."""
    kept = []
    for i, token in enumerate(tokens):
        alone = (token.text == "S" and (i == 0 or tokens[i - 1].text in (";", ":"))
                 and (i + 1 == len(tokens) or tokens[i + 1].text == ";"))
        if alone:
            if i + 1 < len(tokens):
                tokens[i + 1] = tokens[i + 1]._replace(text="")  # its line's end goes too
            continue
        if token.text:
            kept.append(token)
    return kept


def _without_grouping(tokens: list[Token]) -> list[Token]:
    """``tokens`` without grouping parentheses (``return (a, b)`` is ``return a, b``); a call's are kept."""
    kept: list[Token] = []
    calls: list[bool] = []  # for each open parenthesis: whether it is a call's
    for token in tokens:
        if token.text == "(":
            before = kept[-1].text if kept else ""
            call = before in (")", "]", "S") or (before[:1].isidentifier() and not keyword.iskeyword(before))
            calls.append(call)
            if not call:
                continue
        elif token.text == ")" and calls and not calls.pop():
            continue
        kept.append(token)
    return kept


def units(text: str, tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` cut into units: each top-level function or class (its decorators included), each
    run of other top-level statements. A top-level statement is a logical line that starts in the
    first column, so code that does not parse is cut the same way."""
    result: list[list[Token]] = []
    in_definition = decorated = False
    line_start = True
    for token in tokens:
        if line_start and (token.start == 0 or text[token.start - 1] == "\n"):
            definition = token.text in ("def", "class", "async", "@")
            if definition and not decorated or not definition and (in_definition or not result):
                result.append([])
            in_definition, decorated = definition, token.text == "@"
        line_start = token.text == ";"
        if not result:  # the cell starts indented
            result.append([])
        result[-1].append(token)
    return result


_codes: dict[str, int] = {}


def _code(text: str) -> int:
    """A number for a token's text, the same in every process (``hash`` of a string is not)."""
    code = _codes.get(text)
    if code is None:
        code = _codes[text] = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    return code


def winnow(tokens: list[Token], k: int = K, window: int = WINDOW) -> list[Fingerprint]:
    """The fingerprints winnowing selects from the k-grams of ``tokens`` (none if there are fewer than k)."""
    if len(tokens) < k:
        return []
    codes = [_code(t.text) for t in tokens]
    hashes = [hash(tuple(codes[i:i + k])) & HASH_MASK for i in range(len(codes) - k + 1)]
    chosen, last = [], -1
    for left in range(max(1, len(hashes) - window + 1)):
        part = hashes[left:left + window]
        smallest = min(part)
        position = left + len(part) - 1 - part[::-1].index(smallest)  # the rightmost minimum
        if position != last:
            chosen.append(Fingerprint(smallest, tokens[position].start, tokens[position + k - 1].end))
            last = position
    return chosen
