"""`make test` installs the system packages it needs on Debian/Ubuntu, or says exactly how.

Each test runs ``make system-packages`` with a PATH holding only fakes (``apt-get``, ``sudo``,
``id`` and the programs that count as installed), which log what they were asked; nothing is
installed for real. SYSTEM_NEEDS is set on the command line, as program=package pairs.
"""
import pathlib
import re
import shutil
import subprocess

import pytest

from autograder import sandbox

REPO = pathlib.Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")
NEEDS = "have-one=pkg-one want-two=pkg-two want-three=pkg-three"
LOGGER = '#!/bin/sh\necho "$(basename "$0") DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "{log}"\n'
SUDO = '#!/bin/sh\necho "sudo $*" >> "{log}"\n[ "$1" = -n ] && shift\n{sudo_works}\nexec "$@"\n'


def fake_bin(tmp_path, uid=0, apt=True, sudo=None):
    """A folder of fakes for PATH, and the log they write to. ``sudo``: None (absent), True or False (-n works)."""
    folder, log = tmp_path / "bin", tmp_path / "calls.log"
    folder.mkdir()
    scripts = {"have-one": "#!/bin/sh\n", "id": f"#!/bin/sh\necho {uid}\n"}
    if apt:
        scripts["apt-get"] = LOGGER.format(log=log)
    if sudo is not None:
        scripts["sudo"] = SUDO.format(log=log, sudo_works="" if sudo else "exit 1")
    for name, text in scripts.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    (folder / "env").symlink_to(shutil.which("env"))
    (folder / "true").symlink_to(shutil.which("true"))
    (folder / "basename").symlink_to(shutil.which("basename"))
    return folder, log


def make(folder, needs=NEEDS):
    return subprocess.run([MAKE, "--no-print-directory", "system-packages", f"SYSTEM_NEEDS={needs}"], cwd=REPO,
                          env={"PATH": str(folder)}, capture_output=True, text=True, timeout=60)


def calls(log):
    return log.read_text().splitlines() if log.exists() else []


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_nothing_happens_when_everything_is_there(tmp_path):
    folder, log = fake_bin(tmp_path)
    done = make(folder, needs="have-one=pkg-one")
    assert (done.returncode, done.stdout, done.stderr, calls(log)) == (0, "", "", [])


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_as_root_the_missing_packages_are_installed_with_one_update(tmp_path):
    folder, log = fake_bin(tmp_path, uid=0)
    done = make(folder)
    assert done.returncode == 0, done.stderr
    assert calls(log) == [
        "apt-get DEBIAN_FRONTEND=noninteractive update -qq",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends pkg-two pkg-three -qq"]
    assert "installing pkg-two pkg-three" in done.stdout


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_with_passwordless_sudo_they_are_installed_through_sudo(tmp_path):
    folder, log = fake_bin(tmp_path, uid=1000, sudo=True)
    done = make(folder)
    assert done.returncode == 0, done.stderr
    assert [c for c in calls(log) if c.startswith("apt-get")] == [
        "apt-get DEBIAN_FRONTEND=noninteractive update -qq",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends pkg-two pkg-three -qq"]
    assert [c for c in calls(log) if c.startswith("sudo env")] == [
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pkg-two pkg-three -qq"]


@pytest.mark.parametrize("sudo", [None, False], ids=["no sudo", "sudo asks a password"])
@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_otherwise_make_stops_with_the_exact_command(tmp_path, sudo):
    folder, log = fake_bin(tmp_path, uid=1000, sudo=sudo)
    done = make(folder)
    assert done.returncode != 0
    assert ("run: sudo apt-get update && sudo apt-get install -y --no-install-recommends pkg-two pkg-three"
            in done.stderr)
    assert not [c for c in calls(log) if c.startswith("apt-get")]


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_without_apt_make_stops_and_names_the_packages(tmp_path):
    folder, log = fake_bin(tmp_path, uid=0, apt=False)
    done = make(folder)
    assert done.returncode != 0
    assert "the tests need these packages (Debian names): pkg-two pkg-three" in done.stderr
    assert calls(log) == []


def test_the_real_needs_are_what_the_sandbox_and_the_browser_tests_use():
    """bubblewrap for the sandbox, chromium and npm (axe-core) for the browser tests, postgresql for the
    gradebook-server tests (the initdb their server fixture looks for)."""
    needs = re.search(r"^SYSTEM_NEEDS := (.*)$", (REPO / "Makefile").read_text(), re.MULTILINE)[1]
    programs = dict(pair.split("=") for pair in needs.split())
    browser_tests = (REPO / "tests" / "book" / "test_book_browser.py").read_text()
    chromium = re.search(r'^CHROMIUM = Path\("(.+)"\)$', browser_tests, re.MULTILINE)[1]
    server = (REPO / "tests" / "autograder" / "postgres_server.py").read_text()
    assert '"/usr/lib/postgresql/*/bin/initdb"' in server
    assert programs == {"bwrap": "bubblewrap", chromium: "chromium", "npm": "npm",  # npm: `npm ci` of axe-core
                        "/usr/lib/postgresql/*/bin/initdb": "postgresql"}
    assert "apt-get install bubblewrap" in sandbox.INSTALL_HINT  # the package the sandbox's own message names
    assert re.search(r"^test: .*system-packages", (REPO / "Makefile").read_text(), re.MULTILINE)
