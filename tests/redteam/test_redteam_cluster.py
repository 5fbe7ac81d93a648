"""The red-team set graded on a Dask cluster (``grade --scheduler``, issue 15): two workers on
127.0.0.1, started here; the same grades.csv as the local run of the ``redteam`` fixture, and
nothing of the run left behind, before and after the cluster stops (no process, no file
written outside a sandbox)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "autograder"))  # the cluster helper

import redteam_cases as cases  # noqa: E402
import redteam_run as run  # noqa: E402
from dask_cluster import Cluster  # noqa: E402


def test_the_cluster_grades_the_red_team_set_as_local_grading_does(redteam, tmp_path):
    target, out = redteam.target, tmp_path / "out"
    markers = [target.marker(c.id) for c in cases.CASES]
    since = run.clock_ticks()
    with Cluster(tmp_path / "cluster", env={run.TOKEN_VARIABLE: target.token}) as cluster:
        cluster.add_worker("w1")
        cluster.add_worker("w2")
        proc = run.grade(target.submissions, out, 2, target.token, scheduler=cluster.address)
        # while the cluster still runs: its own processes (root, with the run's token) are not leftovers
        during = [p for p in run.leftovers(markers, target.token, since) if not (p.why == "run token" and p.uid == 0)]
    after = run.leftovers(markers, target.token, since)  # the cluster stopped: its processes must be gone too
    found = during + after
    run.kill(found)
    name = "rt-written-" + target.marker("write_anywhere")
    written = [folder / name for folder in target.write_targets() + [out, out / "feedback"] if (folder / name).exists()]
    for path in written:
        path.unlink()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "grades.csv").read_text() == (redteam.out / "grades.csv").read_text()
    assert not found, [f"{p.pid} uid {p.uid} ({p.why}): {p.cmdline[:120]}" for p in found]
    assert not written
