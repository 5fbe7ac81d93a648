"""The book is built once per test session (`make book`), and every test here reads that build."""
import os
import subprocess

import pytest

from book_site import ROOT, BookBuild


@pytest.fixture(scope="session")
def book_build():
    """Run `make book` (warnings are errors) and return its exit status and log."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run(["make", "--no-print-directory", "book"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return BookBuild(proc.returncode, proc.stdout)


@pytest.fixture(scope="session")
def book(book_build):
    """The successful build; tests that read it fail (with the build's log) if it did not succeed."""
    if book_build.returncode != 0:
        pytest.fail("`make book` failed; the end of its log:\n" + book_build.log[-6000:], pytrace=False)
    return book_build
