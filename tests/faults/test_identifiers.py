"""Faults catalogue (issue 14): identifiers are minted, never pasted."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.rdf.terms import iri_segment
from policygraph.text.citations import normalize_number

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
runner = CliRunner()


def ingest(home: Corpus, path: Path, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, ["ingest", str(path), "--home", str(home.root), *args])
    return r.exit_code, r.stdout, r.stderr


def untouched(home: Corpus) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((home.root / "data").rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "number",
    [
        "桂政办发[2021]81号",
        "桂政办发［2021］81号",
        "桂政办发（２０２１）81号",
        "桂政办发〔2021〕 81号",
    ],
)
def test_numbers_are_normalised(number: str) -> None:
    assert normalize_number(number) == "桂政办发〔2021〕81号"


@pytest.mark.parametrize(
    "written",
    ["桂政办发[2021]81号", "桂政辦發【2021】081號"],  # ASCII brackets; 【】, traditional, a zero
)
def test_a_known_number_written_otherwise_is_the_same_document(
    tmp_home: Corpus, tmp_path: Path, written: str
) -> None:
    text = (
        (FIX / "yunnan-measures.txt")
        .read_text(encoding="utf-8")
        .replace("云政办发〔2022〕12号", written, 1)
    )
    path = tmp_path / "dup.txt"
    path.write_text(text, encoding="utf-8")
    before = untouched(tmp_home)
    code, _, err = ingest(tmp_home, path, "--jurisdiction", "cn-yn")
    assert code == 2 and "桂政办发〔2021〕81号 is already in the corpus" in err
    assert untouched(tmp_home) == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--short", "gx", "short name 'gx' is already 桂政办发〔2021〕81号's"),
        ("--short", "../x", "a short name must be lower-case letters"),
        ("--short", "a b", "a short name must be lower-case letters"),
        ("--number", "81号>", "the number must be a 文号"),
    ],
)
def test_bad_identifiers_are_refused(
    tmp_home: Corpus, option: str, value: str, message: str
) -> None:
    before = untouched(tmp_home)
    code, _, err = ingest(
        tmp_home, FIX / "yunnan-measures.txt", "--jurisdiction", "cn-yn", option, value
    )
    assert code == 2 and message in err and err.count("\n") == 1
    assert untouched(tmp_home) == before


def test_names_cannot_break_out_of_an_iri() -> None:
    for text in ("省科技厅>", '省财政厅"', "../../etc", "a b", "x?y#z"):
        segment = iri_segment(text)
        assert not any(ch in segment for ch in '<>" /?#'), segment


def test_an_issuer_with_unsafe_characters_gives_valid_turtle(tmp_home: Corpus) -> None:
    code, out, err = ingest(
        tmp_home,
        FIX / "yunnan-measures.txt",
        "--jurisdiction",
        "cn-yn",
        "--issuer",
        '云南省人民政府办公厅">/../x',
    )
    assert code == 0, out + err
    assert runner.invoke(app, ["validate", "--home", str(tmp_home.root)]).exit_code == 0


def test_item_numbers_have_no_upper_limit() -> None:
    from policygraph.text.structure import parse_measures

    text = "一、措施\n" + "".join(f"{n}.第{n}项。（牵头：市科技局）\n" for n in range(1, 1205))
    assert len(parse_measures(text, "t").provisions) == 1204


# Issue 27, item 10: what looks the same in a table is the same identity.
@pytest.mark.parametrize(
    "number",
    [
        "桂政办发〔2021〕8\u200b1号",  # a zero-width space inside
        "桂政办发\ufeff〔2021〕81号",  # a BOM
        "桂政办发 〔 2021 〕 81 号",  # spaces around the brackets
        "桂政办发【2021】81号",
        "桂政办发〖2021〗81号",
        "桂政办发〔2021〕81號",  # 號, the traditional form
        "桂政辦發〔2021〕81号",
        "桂政办发〔2021〕081号",  # a leading zero
    ],
)
def test_number_variants_are_one_number(number: str) -> None:
    assert normalize_number(number) == "桂政办发〔2021〕81号"


@pytest.mark.parametrize(
    "written",
    [
        "科技\u200b厅",  # a zero-width space
        "广西壮族自治区科学技术厅\u200d",  # a zero-width joiner
        "廣西壯族自治區科學技術廳",  # traditional characters
        "广西壮族自治区科学技术厅\u00ad",  # a soft hyphen
    ],
)
def test_a_department_written_with_invisible_or_traditional_characters_is_the_same(
    written: str,
) -> None:
    same = runner.invoke(app, ["tasks", "--dept", written, "-f", "json"])
    plain = runner.invoke(app, ["tasks", "--dept", "科技厅", "-f", "json"])
    assert same.exit_code == 0 and plain.exit_code == 0, same.output
    assert same.stdout == plain.stdout


def test_full_width_letters_and_traditional_forms_compare_the_same() -> None:
    from policygraph.text.names import normalize

    assert normalize("ＡＢＣ　局") == normalize("ABC局")
    assert normalize("國家發展和改革委員會") == normalize("国家发展和改革委员会")


def test_two_numbers_differing_in_the_issuer_get_files_of_their_own(
    tmp_home: Corpus, tmp_path: Path
) -> None:
    """云政发〔2022〕12号 beside 云政办发〔2022〕12号: the same jurisdiction, year and serial."""
    first = ingest(tmp_home, FIX / "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    assert first[0] == 0, first
    text = (FIX / "yunnan-measures.txt").read_text(encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(
        text.replace("云政办发〔2022〕12号", "云政发〔2022〕12号", 1), encoding="utf-8"
    )
    code, out, err = ingest(tmp_home, other, "--jurisdiction", "cn-yn")
    assert code == 0, out + err
    sources = sorted(p.name for p in (tmp_home.root / "data/sources").glob("cn-yn-*2022-12.txt"))
    assert len(sources) == 2, sources
