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
and k-grams never cross a unit: functions put in another order keep every fingerprint. A cell
that does not parse is one unit. Of the k-gram hashes h_1..h_n of a unit, winnowing keeps in
every window of ``WINDOW`` consecutive hashes the smallest (the rightmost on a tie), so any run
of at least ``K + WINDOW - 1`` tokens shared by two cells gives them at least one shared
fingerprint, and no run shorter than ``K`` tokens does.
"""
from __future__ import annotations

import ast
import builtins
import dataclasses
import io
import keyword
import re
import tokenize
import zlib

K = 10  # tokens per k-gram: shorter shared runs are noise (``return np . maximum ( V , 0 ) ;`` is 9)
WINDOW = 5  # winnowing window: every shared run of K + WINDOW - 1 = 14 tokens or more is found
HASH_MASK = 2**63 - 1
MAGIC = re.compile(r"^(\s*)[%!]", re.MULTILINE)
WORD = re.compile(r"\w+")
FALLBACK = re.compile(r"#[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*|\d[\w.]*|\S")
SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
           tokenize.ENDMARKER, getattr(tokenize, "FSTRING_MIDDLE", -1), getattr(tokenize, "FSTRING_END", -1)}
STRINGS = {tokenize.STRING, getattr(tokenize, "FSTRING_START", -1)}
GIVEN = frozenset(dir(builtins))


@dataclasses.dataclass(frozen=True)
class Token:
    text: str  # normalised
    start: int  # character offsets in the cell's source
    end: int


@dataclasses.dataclass(frozen=True)
class Fingerprint:
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
    """The normalised tokens of ``text`` (see the module's docstring); a regular expression
    splits what Python's tokenizer cannot read."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    tokens: list[Token] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in SKIPPED:
                continue
            start = starts[tok.start[0] - 1] + tok.start[1]
            end = starts[tok.end[0] - 1] + tok.end[1]
            tokens.append(Token(_normal(tok.type, tok.string, tokens, given), start, end))
    except (tokenize.TokenError, SyntaxError):
        return _without_grouping(_fallback_tokens(text, given))
    return _without_grouping(_without_docstrings(tokens))


def _normal(kind: int, string: str, before: list[Token], given: frozenset[str]) -> str:
    if kind == tokenize.NAME:
        after_dot = bool(before) and before[-1].text == "."
        return string if after_dot or keyword.iskeyword(string) or string in given else "V"
    if kind in STRINGS:
        return "S"
    if kind == tokenize.NUMBER:
        try:
            return repr(ast.literal_eval(string))
        except (ValueError, SyntaxError):
            return string
    if kind == tokenize.NEWLINE:
        return ";"
    return string


def _without_docstrings(tokens: list[Token]) -> list[Token]:
    """``tokens`` without the strings that are statements by themselves (docstrings, notes)."""
    kept = []
    for i, token in enumerate(tokens):
        alone = (token.text == "S" and (i == 0 or tokens[i - 1].text in (";", ":"))
                 and (i + 1 == len(tokens) or tokens[i + 1].text == ";"))
        if alone:
            if i + 1 < len(tokens):
                tokens[i + 1] = dataclasses.replace(tokens[i + 1], text="")  # its line's end goes too
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


def _fallback_tokens(text: str, given: frozenset[str]) -> list[Token]:
    tokens: list[Token] = []
    for m in FALLBACK.finditer(text):
        word = m[0]
        if word.startswith("#"):
            continue
        if word[0] in "\"'":
            normal = "S"
        elif word[0].isalpha() or word[0] == "_":
            after_dot = bool(tokens) and tokens[-1].text == "."
            normal = word if after_dot or keyword.iskeyword(word) or word in given else "V"
        else:
            normal = word
        tokens.append(Token(normal, m.start(), m.end()))
    return tokens


def units(text: str, tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` cut into units: each top-level function or class (its decorators included), each
    run of other top-level statements; one unit if ``text`` does not parse."""
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [tokens]
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    bounds, kinds = [], []  # the first character of each top-level statement, and whether it is a definition
    for node in body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        bounds.append(starts[first - 1])
        kinds.append(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
    result: list[list[Token]] = []
    statement, previous = -1, None
    for token in tokens:
        while statement + 1 < len(bounds) and token.start >= bounds[statement + 1]:
            statement += 1
        key = ("def", statement) if statement >= 0 and kinds[statement] else ("run", _run_start(kinds, statement))
        if key != previous:
            result.append([])
            previous = key
        result[-1].append(token)
    return result


def _run_start(kinds: list[bool], statement: int) -> int:
    while statement > 0 and not kinds[statement - 1]:
        statement -= 1
    return statement


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
