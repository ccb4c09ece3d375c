"""The site folder's walk done on another core while the views are read (``render/site/folder.py``,
:class:`Walk`): the same stamps as :func:`check_ours` in the process, the same refusals, and a
worker that dies walked again in the process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policygraph.errors import InputError
from policygraph.render.site import folder
from policygraph.render.site.folder import MARKER, PART, Walk, check_ours

FILES = ("index.html", "eli/cn/index.html", "eli/cn/tasks.xlsx", "static/site.css")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder as `site` leaves it: its files and the marker listing them."""
    out = tmp_path / "site"
    for name in FILES:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(name, encoding="utf-8")
    (out / MARKER).write_text("".join(f"{n}\n" for n in FILES), encoding="utf-8")
    return out


def walked(out: Path, parts: bool = False) -> dict[str, list[int]]:
    with Walk(out, {}, parts=parts) as walk:
        return walk.stamps()


def test_the_stamps_are_those_the_walk_in_the_process_gives(site: Path) -> None:
    (site / "eli" / f".index.html{PART}").write_text("half", encoding="utf-8")
    found = walked(site, parts=True)
    assert sorted(found) == sorted([*FILES, MARKER])
    assert not (site / "eli" / f".index.html{PART}").exists()  # removed by the worker
    assert found == check_ours(site, {}, parts=True)
    assert found["index.html"] == [10, (site / "index.html").stat().st_mtime_ns]


def test_a_file_the_site_did_not_write_is_refused_when_the_stamps_are_asked(site: Path) -> None:
    (site / "eli" / "notes.txt").write_text("mine", encoding="utf-8")
    with Walk(site, {}) as walk, pytest.raises(InputError) as refused:
        walk.stamps()
    assert refused.value.code == "site-foreign-file"
    assert "holds eli/notes.txt" in str(refused.value)
    assert (site / "eli" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_folder_that_is_not_a_site_is_refused_at_once(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError) as refused, Walk(out, {}):
        pytest.fail("the walk began")
    assert refused.value.code == "site-directory-occupied"


def test_a_new_or_empty_folder_has_no_stamps(tmp_path: Path) -> None:
    assert walked(tmp_path / "new") == {}
    (tmp_path / "empty").mkdir()
    assert walked(tmp_path / "empty") == {}


def test_a_worker_that_dies_is_walked_again_here(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the walk is done in the process, no worker is forked")

    def dies(*_: object) -> None:
        os._exit(9)  # killed before it answers

    monkeypatch.setattr(folder, "_walk_forked", dies)
    assert walked(site) == check_ours(site, {})
