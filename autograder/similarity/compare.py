"""Pairs of students worth a look, found through an inverted index: fingerprint -> the students holding it.

No pair of notebooks is ever compared directly. Each fingerprint held by 2 to ``common`` students
adds one to the count of every pair among its holders; one held by more is what many wrote alike
(the one obvious answer, code handed out in class) and is ignored, as MOSS ignores passages
found in many programs (its ``-m``). With ``n_a`` and ``n_b`` the students' counted fingerprints
and ``s`` the ones they share, a pair's score is

    score = s / max(min(n_a, n_b), MIN_PRINTS)

the share of the shorter answer also found in the other (MIN_PRINTS keeps a student who wrote
two lines from topping the list with them). The work grows with the fingerprints and their
holders, not with the square of the class: at most ``common`` - 1 partners per fingerprint.
"""
from __future__ import annotations

import collections
import dataclasses
import itertools
import math

from .answers import Answers
from .fingerprint import Fingerprint

MIN_COMMON = 10  # a fingerprint held by at most this many students always counts...
COMMON_SHARE = 0.05  # ...and by at most this share of the class
MIN_PRINTS = 20  # a fingerprint covers about 2.5 tokens (K = 10, WINDOW = 5): 20 are some 5 lines of code
MIN_SHARED = 3  # pairs sharing fewer fingerprints are not listed


@dataclasses.dataclass
class Pair:
    a: Answers
    b: Answers
    shared: int  # fingerprints both hold (the template's and common ones aside)
    score: float
    share_a: float  # the share of a's fingerprints also in b's
    share_b: float


@dataclasses.dataclass
class Comparison:
    pairs: list[Pair]  # by score, highest first (then by student ids)
    common: int  # fingerprints held by more students than this were ignored
    ignored: frozenset[int]  # those fingerprints
    best: dict[str, float]  # student -> their highest score with anyone (0 if none)
    candidates: int  # pairs sharing at least one fingerprint


def default_common(n_students: int) -> int:
    """How many students may hold a fingerprint before it is ignored: max(MIN_COMMON, COMMON_SHARE × n)."""
    return max(MIN_COMMON, math.ceil(COMMON_SHARE * n_students))


def compare(students: list[Answers], common: int | None = None) -> Comparison:
    """Every pair of ``students`` that shares at least MIN_SHARED counted fingerprints, by score."""
    common = default_common(len(students)) if common is None else common
    holders: dict[int, list[int]] = collections.defaultdict(list)
    for index, student in enumerate(students):
        for h in student.prints:
            holders[h].append(index)
    ignored = {h for h, who in holders.items() if len(who) > common}
    counted = [sum(h not in ignored for h in student.prints) for student in students]
    shared: collections.Counter[tuple[int, int]] = collections.Counter()
    for h, who in holders.items():
        if 1 < len(who) <= common:
            shared.update(itertools.combinations(who, 2))  # holders are in increasing order
    pairs = []
    best = {student.student_id: 0.0 for student in students}
    for (i, j), s in shared.items():
        a, b = students[i], students[j]
        score = s / max(min(counted[i], counted[j]), MIN_PRINTS)
        best[a.student_id] = max(best[a.student_id], score)
        best[b.student_id] = max(best[b.student_id], score)
        if s >= MIN_SHARED:
            pairs.append(Pair(a, b, s, score, s / counted[i], s / counted[j]))
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.a.student_id, p.b.student_id))
    return Comparison(pairs, common, frozenset(ignored), best, len(shared))


def matching_cells(pair: Pair, ignored: frozenset[int]) -> list[tuple[int, int, list, list]]:
    """The cells of ``pair.a`` and ``pair.b`` that share counted fingerprints (``ignored`` aside), most
    shared first: (cell of a, cell of b, spans of a, spans of b), spans as merged (start, end) character ranges."""
    found: dict[tuple[int, int], tuple[list[Fingerprint], list[Fingerprint], set[int]]] = {}
    for h in (pair.a.prints.keys() & pair.b.prints.keys()) - ignored:
        for (ca, fa), (cb, fb) in itertools.product(pair.a.prints[h], pair.b.prints[h]):
            spans_a, spans_b, hashes = found.setdefault((ca, cb), ([], [], set()))
            spans_a.append(fa)
            spans_b.append(fb)
            hashes.add(h)
    ranked = sorted(found.items(), key=lambda item: (-len(item[1][2]), item[0]))
    return [(ca, cb, merged(fa), merged(fb)) for (ca, cb), (fa, fb, _) in ranked]


def merged(prints: list[Fingerprint]) -> list[tuple[int, int]]:
    """The character ranges the fingerprints cover, overlapping ones merged, in order."""
    spans: list[tuple[int, int]] = []
    for fp in sorted(prints, key=lambda fp: fp.start):
        if spans and fp.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], fp.end))
        else:
            spans.append((fp.start, fp.end))
    return spans
