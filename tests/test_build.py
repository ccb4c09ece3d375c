"""`policygraph build`: deterministic, fast to fail, and never half-written."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import REPO, snapshot
from typer.testing import CliRunner

from policygraph.build import build
from policygraph.cli.app import app
from policygraph.corpus import Corpus, is_generated
from policygraph.errors import ExtractionError, SourceError, UnknownDepartmentError

GX_FILE = "data/sources/2021-gx-guizhengbanfa-2021-81-measures.txt"


def test_rebuild_reproduces_the_committed_graph(tmp_home: Corpus) -> None:
    committed = snapshot(REPO / "data" / "ttl")
    generated = [p for p in tmp_home.ttl.glob("*.ttl") if is_generated(p)]
    assert len(generated) >= 5
    for path in generated:
        path.unlink()
    first = build(tmp_home)
    assert snapshot(tmp_home.ttl) == committed, "data/ttl/ is not what the build writes: rebuild"
    second = build(tmp_home)
    assert second.written == [] and len(second.unchanged) == len(first.written)


def replace_source(home: Corpus, old: str, new: str) -> None:
    """Give the tmp home a different text for the Guangxi measures, with matching metadata."""
    path = home.root / GX_FILE
    before = path.read_bytes()
    text = path.read_text(encoding="utf-8")
    assert old in text
    after = text.replace(old, new, 1).encode("utf-8")
    path.write_bytes(after)
    meta = home.sources / "sources.ttl"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            hashlib.sha256(before).hexdigest(), hashlib.sha256(after).hexdigest()
        ),
        encoding="utf-8",
    )


def test_unclosed_annotation_fails_and_keeps_previous_graph(tmp_home: Corpus) -> None:
    before = snapshot(tmp_home.ttl)
    replace_source(
        tmp_home,
        "(牵头:自治区科技厅,配合:设区市人民政府、自治区财政厅)",
        "(牵头:自治区科技厅,配合:设区市人民政府、自治区财政厅",
    )
    with pytest.raises(
        ExtractionError, match=r"桂政办发〔2021〕81号: \(二十七\).*no closing bracket"
    ):
        build(tmp_home)
    assert snapshot(tmp_home.ttl) == before


def test_unknown_department_names_document_measure_and_suggestions(tmp_home: Corpus) -> None:
    before = snapshot(tmp_home.ttl)
    replace_source(
        tmp_home, "配合:设区市人民政府、自治区财政厅)", "配合:设区市人民政府、自治区财务厅)"
    )
    with pytest.raises(UnknownDepartmentError) as info:
        build(tmp_home)
    message = str(info.value)
    assert "桂政办发〔2021〕81号 measure (二十七)" in message
    assert "'自治区财务厅'" in message
    assert "自治区财政厅" in info.value.suggestions
    assert snapshot(tmp_home.ttl) == before


def test_edited_source_is_refused(tmp_home: Corpus) -> None:
    path = tmp_home.root / GX_FILE
    path.write_bytes(path.read_bytes().replace("高新区".encode(), "高兴区".encode(), 1))
    with pytest.raises(SourceError, match=r"SHA-256 .* never edited"):
        build(tmp_home)


def test_cli_build_and_error_exit_codes(tmp_home: Corpus) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["build", "--home", str(tmp_home.root)])
    assert ok.exit_code == 0, ok.output
    assert "桂政办发〔2021〕81号" in ok.output
    assert re.search(r"153 responsibilities · 18 funding commitments", ok.output)
    replace_source(
        tmp_home, "配合:设区市人民政府、自治区财政厅)", "配合:设区市人民政府、自治区财务厅)"
    )
    bad = runner.invoke(app, ["build", "--home", str(tmp_home.root)])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: ") and bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.output


def test_not_a_home(tmp_path: Corpus) -> None:
    result = CliRunner().invoke(app, ["build", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a policygraph corpus home" in result.stderr


def test_the_builds_texts_are_read_when_asked_and_not_held(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's rebuild reads each of its texts for its citations and again for the quotes
    curated of it; held between the two, 10,000 texts took ~60 MB through the rebuild. Each
    ask reads (and checks) the text again."""
    from policygraph.build import _Texts
    from policygraph.corpus import source_files

    sources = [s for s in source_files(home.curated_graph()) if s.profile != "none"]
    reads: list[str] = []
    real = Corpus.read_text

    def read_text(self: Corpus, source: object) -> str:
        reads.append(str(source.file_name))  # type: ignore[attr-defined]
        return real(self, source)  # type: ignore[arg-type]

    monkeypatch.setattr(Corpus, "read_text", read_text)
    texts = _Texts(home, sources)
    first = [texts[s.iri] for s in sources]
    assert first and all(first) and [texts[s.iri] for s in sources] == first
    assert reads == [s.file_name for s in sources] * 2
