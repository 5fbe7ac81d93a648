"""The mutation suite (format: ``harness``'s docstring): one typical mistake costs its own item, and its
feedback names it.

Each assignment's mistakes are graded in one ``autograder grade`` run, made the first time one of
its tests needs it; a test per mistake reports which mistake broke.
"""
import pytest

from harness import grade_mistakes, mistakes_of, mutated_code, problems
from released_notebooks import ASSIGNMENTS

CASES = [pytest.param(a, m, id=f"{a}-{m.name}") for a in ASSIGNMENTS for m in mistakes_of(a)]
MINIMUM = 5  # typical mistakes per assignment


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """assignment -> its Run, graded on first use."""
    cache = {}

    def run(assignment):
        if assignment not in cache:
            cache[assignment] = grade_mistakes(assignment, mistakes_of(assignment), tmp_path_factory.mktemp(assignment))
        return cache[assignment]
    return run


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_has_its_typical_mistakes(assignment):
    assert len(mistakes_of(assignment)) >= MINIMUM, (
        f"tests/notebooks/mistakes/{assignment}.py: at least {MINIMUM} mistakes expected")


@pytest.mark.parametrize("assignment, mistake", CASES)
def test_the_mistake_still_applies_to_the_solution(assignment, mistake):
    code = mutated_code(assignment, mistake)  # raises unless `old` occurs exactly once in the solution
    assert code != mutated_code(assignment, mistake.__class__(**{**mistake.__dict__, "new": mistake.old}))


@pytest.mark.parametrize("assignment", sorted({a for a in ASSIGNMENTS if mistakes_of(a)}))
def test_the_unmutated_solution_code_scores_in_full(assignment, runs):
    run = runs(assignment)
    row = run.rows["correct"]
    assert row["status"].startswith("ok"), row
    assert {gid: float(row[gid]) for gid in run.items} == run.items


@pytest.mark.parametrize("assignment, mistake", CASES)
def test_one_mistake_costs_its_items_and_is_named(assignment, mistake, runs):
    found = problems(runs(assignment), mistake)
    assert not found, f"{assignment}, mistake {mistake.name}:\n" + "\n".join(found)
