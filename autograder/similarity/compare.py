"""Pairs of students worth a look, found through an inverted index: fingerprint -> the students holding it.

No pair of notebooks is ever compared directly. A fingerprint held by more than ``common``
students is what many wrote alike (the one obvious answer, code handed out in class) and is
ignored, as MOSS ignores passages found in many programs (its ``-m``). One held by m students,
2 <= m <= common, counts for every pair among its holders with the weight

    w(m) = ln(1 + N / m)        (N: the students compared)

so that a passage only two students share says more than one that twenty share (with N = 1000:
w(2) = 6.2, w(20) = 3.9). With W_a the weight of all of a student's counted fingerprints (held by
at most ``common``, themselves included) and S_ab the weight of those a and b share, a pair's score is

    score = S_ab / max(min(W_a, W_b), MIN_PRINTS * w(2))

the share of the shorter answer also found in the other (the floor keeps a student who wrote
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
    share_a: float  # the share of a's fingerprints (by weight) also in b's
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


def weight(holders: int, n_students: int) -> float:
    """The weight of a fingerprint held by ``holders`` of ``n_students`` students: ln(1 + N / m)."""
    return math.log1p(n_students / holders)


def compare(students: list[Answers], common: int | None = None) -> Comparison:
    """Every pair of ``students`` that shares at least MIN_SHARED counted fingerprints, by score."""
    n = len(students)
    common = default_common(n) if common is None else common
    holders: dict[int, list[int]] = collections.defaultdict(list)
    for index, student in enumerate(students):
        for h in student.prints:
            holders[h].append(index)
    ignored = {h for h, who in holders.items() if len(who) > common}
    totals = [sum(weight(len(holders[h]), n) for h in student.prints if h not in ignored) for student in students]
    by_holders: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for who in holders.values():
        if 1 < len(who) <= common:
            by_holders[len(who)].update(itertools.combinations(who, 2))  # holders are in increasing order
    counts: collections.Counter[tuple[int, int]] = collections.Counter()
    weights: dict[tuple[int, int], float] = collections.defaultdict(float)
    for m, pairs_of_m in by_holders.items():
        w = weight(m, n)
        counts.update(pairs_of_m)
        for pair, c in pairs_of_m.items():
            weights[pair] += c * w
    floor = MIN_PRINTS * weight(2, n)
    pairs = []
    best = {student.student_id: 0.0 for student in students}
    for (i, j), shared in weights.items():
        a, b = students[i], students[j]
        score = shared / max(min(totals[i], totals[j]), floor)
        best[a.student_id] = max(best[a.student_id], score)
        best[b.student_id] = max(best[b.student_id], score)
        if counts[i, j] >= MIN_SHARED:
            pairs.append(Pair(a, b, counts[i, j], score, shared / totals[i], shared / totals[j]))
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.a.student_id, p.b.student_id))
    return Comparison(pairs, common, frozenset(ignored), best, len(counts))


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
