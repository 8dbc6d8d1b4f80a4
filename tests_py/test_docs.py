"""The docs stay where their readers look: a short README for users, CONTRIBUTING.md for contributors,
the engineering log in docs/scaling.md, and no pointer to anything outside the project."""

import subprocess

import pytest

from conftest import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
MAX_README_LINES = 260
# Built from parts so that this file does not hold the text it looks for.
OUTSIDE_PATHS = ["../" + "shared", "/work/" + "shared"]


def tracked_files():
    """Paths of the files git tracks, relative to the project root."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [path for path in listed.split("\0") if path]


def files_mentioning(paths, needles):
    """(path, needle) for each file under the project root that contains a needle."""
    found = []
    for relative in paths:
        path = PROJECT_ROOT / relative
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [(relative, needle) for needle in needles if needle in text]
    return found


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, (
        f"README.md has {len(lines)} lines (at most {MAX_README_LINES}): "
        "move engineering detail to docs/ or CONTRIBUTING.md"
    )


def test_no_tracked_file_points_outside_the_project():
    found = files_mentioning(tracked_files(), OUTSIDE_PATHS)
    assert not found, "\n".join(f"{path}: mentions {needle}" for path, needle in found)


@pytest.mark.parametrize("target", ["CONTRIBUTING.md", "docs/scaling.md"])
def test_readme_links_to(target):
    assert (PROJECT_ROOT / target).is_file(), f"{target} is missing"
    assert f"]({target})" in README.read_text(encoding="utf-8"), f"README.md does not link to {target}"


def test_the_outside_path_check_can_fail(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("Follow ../" + "shared/STYLE.md.\n")
    assert files_mentioning([note], OUTSIDE_PATHS) == [(note, OUTSIDE_PATHS[0])]
