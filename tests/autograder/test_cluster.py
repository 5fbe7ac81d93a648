"""Grading on a Dask cluster (autograder.cluster): a real scheduler and worker processes on 127.0.0.1,
started here and stopped at the end, whatever happens; the grades must be local grading's."""
import csv
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import pytest

from dask_cluster import Cluster, graded_by
from grading_helpers import CELL_TIMEOUT, REPO, SAMPLES, TIMEOUT, alive, children

ASSIGNMENT = "01_perceptron"
SUBMISSIONS = SAMPLES / ASSIGNMENT / "submissions"
RUN_TIMEOUT = 900  # seconds for one grading run of the samples


@pytest.fixture
def cluster(tmp_path):
    made = []

    def start() -> Cluster:
        made.append(Cluster(tmp_path / f"cluster{len(made)}"))
        return made[-1]

    yield start
    for c in made:
        c.stop()


def grade_command(out: pathlib.Path, scheduler: str, submissions: pathlib.Path = SUBMISSIONS) -> list[str]:
    return [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(submissions), "--out", str(out),
            "--timeout", str(TIMEOUT), "--cell-timeout", str(CELL_TIMEOUT), "--scheduler", scheduler]


def stale_checkout(folder: pathlib.Path) -> pathlib.Path:
    """A copy of the course's packages and assignment with one line of nnkit changed: another course version."""
    for part in ("autograder", "nnkit", f"notebooks/{ASSIGNMENT}"):
        shutil.copytree(REPO / part, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
    with open(folder / "nnkit" / "__init__.py", "a") as f:
        f.write("# a later edit\n")
    return folder


def rows(out: pathlib.Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def formgrader_notebooks(out: pathlib.Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in (out / "autograded").rglob("*.ipynb"))


def test_the_cluster_grades_as_local_grading_does_and_refuses_a_stale_worker(graded, cluster, tmp_path):
    local, run = graded[ASSIGNMENT]
    assert run.returncode == 0, run.stderr
    c = cluster()
    c.add_worker("stale", stale_checkout(tmp_path / "stale"))
    alone = subprocess.run(grade_command(tmp_path / "refused", c.address), capture_output=True, text=True, cwd=REPO,
                           timeout=RUN_TIMEOUT)
    assert alone.returncode == 2, alone.stderr
    assert "refused: course version" in alone.stderr and "no worker of the cluster" in alone.stderr
    assert not (tmp_path / "refused" / "grades.csv").exists()

    c.add_worker("w1")
    c.add_worker("w2")
    names = c.addresses()
    out = tmp_path / "graded"
    run = subprocess.run(grade_command(out, c.address), capture_output=True, text=True, cwd=REPO, timeout=RUN_TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert f"worker {names['stale']} refused: course version" in run.stderr
    assert (out / "grades.csv").read_text() == (local / "grades.csv").read_text()
    assert sorted(p.name for p in (out / "feedback").iterdir()) == sorted(p.name for p in (local / "feedback").iterdir())
    assert formgrader_notebooks(out) == formgrader_notebooks(local) != []
    by = graded_by(out)
    assert all(len(workers) == 1 for workers in by.values()), by
    assert {w for workers in by.values() for w in workers} <= {names["w1"], names["w2"]}


def test_a_worker_killed_half_way_loses_no_student_and_leaves_no_grading_process(graded, cluster, tmp_path):
    local, _ = graded[ASSIGNMENT]
    c = cluster()
    c.add_worker("w1")
    c.add_worker("w2")
    out = tmp_path / "graded"
    grading = subprocess.Popen(grade_command(out, c.address), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, cwd=REPO)
    try:
        lines, orphans = [], []
        for line in grading.stderr:  # one line per graded student (not a terminal)
            lines.append(line)
            if line.startswith("[2/"):  # both workers are busy with a student each
                orphans = children(c.workers["w2"].pid)  # its grading process(es)
                os.killpg(c.workers["w2"].pid, signal.SIGKILL)
                break
        lines += grading.stderr.readlines()
        assert grading.wait(RUN_TIMEOUT) == 0, "".join(lines)
    finally:
        if grading.poll() is None:
            grading.kill()
            grading.wait()
    assert c.workers["w2"].poll() is not None
    assert orphans, "the killed worker had no grading process: the kill proved nothing about them"
    assert not [pid for pid in orphans if alive(pid)], "the killed worker's grading process lives on"
    assert (out / "grades.csv").read_text() == (local / "grades.csv").read_text()
    students = (local / "grades.csv").read_text().count("\n") - 1
    assert sum(line.startswith("[") for line in lines) == students
    assert all(len(workers) == 1 for workers in graded_by(out).values())


def test_a_submission_that_kills_its_workers_is_an_error_for_that_student_alone(graded, cluster, tmp_path):
    """Workers restarted by their nanny; the one given "killer" dies at once, every time. Three deaths
    and killer is given up; the classmates graded on the same workers before and after keep their grades."""
    local, _ = graded[ASSIGNMENT]
    submissions = pathlib.Path(shutil.copytree(SUBMISSIONS, tmp_path / "submissions"))
    shutil.copy(SUBMISSIONS / "alice.ipynb", submissions / "killer.ipynb")
    c = cluster()
    c.add_worker("w1", nanny=True, killer=True)
    c.add_worker("w2", nanny=True, killer=True)
    out = tmp_path / "graded"
    run = subprocess.run(grade_command(out, c.address, submissions), capture_output=True, text=True, cwd=REPO,
                         timeout=RUN_TIMEOUT)
    assert run.returncode == 0, run.stderr
    got, expected = rows(out), rows(local)
    killer = got.pop("killer")
    assert got == expected
    assert killer["status"] == ("error: grading this submission killed the grading worker 3 times "
                                "(the autograder gave up on it)"), killer
    assert float(killer["score"]) == 0
    deaths = [line for line in (out / "logs" / "_cluster.log").read_text().splitlines() if "\tdied:" in line]
    assert [line.split("\t")[0] for line in deaths] == ["killer"] * 3, deaths
    assert "killer" not in graded_by(out)
    assert all(len(workers) == 1 for workers in graded_by(out).values())
    assert "killed the grading worker 3 times" in (out / "feedback" / "killer.html").read_text()
