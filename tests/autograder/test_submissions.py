"""Finding submissions in both layouts; nothing handed in is skipped silently."""
from autograder.submissions import find_submissions


def test_both_layouts_and_every_kind_of_mistake(tmp_path):
    (tmp_path / "alice.ipynb").write_text("{}")
    (tmp_path / "bob.ipynb.txt").write_text("{}")
    (tmp_path / ".DS_Store").write_text("")
    nested = tmp_path / "carol" / "hw1"
    nested.mkdir(parents=True)
    (nested / "hw1.ipynb").write_text("{}")
    (nested / "data.csv").write_text("1,2")
    (tmp_path / "dave" / "hw1").mkdir(parents=True)
    (tmp_path / "dave" / "hw1" / "mine.ipynb").write_text("{}")
    (tmp_path / "erin").mkdir()
    (tmp_path / "alice").mkdir()  # alice also has a folder: two submissions
    found = {s.student_id: s for s in find_submissions(tmp_path, "hw1", "hw1")}
    assert list(found) == ["alice", "bob", "carol", "dave", "erin"]
    assert found["alice"].error.startswith("error: several submissions")
    assert found["bob"].error == "error: expected STUDENT_ID.ipynb, found bob.ipynb.txt"
    assert found["carol"].error is None
    assert sorted(rel for _, rel in found["carol"].files) == ["data.csv", "hw1.ipynb"]
    assert found["dave"].error == "error: expected hw1.ipynb, found mine.ipynb"
    assert found["erin"].error == "error: no hw1/ folder in erin/"
