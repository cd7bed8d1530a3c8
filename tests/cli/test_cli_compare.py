"""`collabmap compare`, `matrix`, `report`, `qca`, `chart` and `consensus` from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from collabmap.examples import example_path
from tests.cli.conftest import Run


@pytest.fixture
def db(run: Run, tmp_path: Path) -> str:
    path = str(tmp_path / "study.db")
    assert run("--db", path, "project", "create", "Study", "--with-examples").code == 0
    return path


def test_compare_prints_table1_and_its_companions(run: Run, db: str) -> None:
    result = run("--db", db, "compare", "Study")
    assert result.code == 0, result.err
    assert "Activities by collaborative structure (Table 1)" in result.out
    assert "Citizen self-help" in result.out and "called" in result.out
    data = json.loads(run("--db", db, "compare", "Study", "--json").out)
    assert {"structure_activity", "rationales", "accountability"} <= set(data)


def test_matrix_in_every_format(run: Run, db: str, tmp_path: Path) -> None:
    assert "Collaborative structure" in run("--db", db, "matrix", "Study").out
    data = json.loads(run("--db", db, "matrix", "Study", "--format", "json").out)
    assert len(data["themes"]) == 27
    for format in ("csv", "xlsx"):
        out = tmp_path / f"m.{format}"
        assert run("--db", db, "matrix", "Study", "--format", format, "-o", str(out)).code == 0
        assert out.stat().st_size > 0
    missing = run("--db", db, "matrix", "Study", "--format", "xlsx")
    assert missing.code == 2 and "needs --output" in missing.err


@pytest.mark.parametrize("format", ["html", "pdf", "md"])
def test_report_writes_each_format(run: Run, db: str, tmp_path: Path, format: str) -> None:
    out = tmp_path / f"r.{format}"
    result = run("--db", db, "report", "Study", "--format", format, "-o", str(out))
    assert result.code == 0, result.err
    if format == "pdf":
        assert PdfReader(out).pages
    else:
        assert "Wigan Deal" in out.read_text()


def test_report_on_one_partnership_and_bad_names(run: Run, db: str, tmp_path: Path) -> None:
    out = tmp_path / "gk.md"
    assert (
        run(
            "--db", db, "report", "Study", "-f", "md", "-o", str(out), "--partnership", "Golden Key"
        ).code
        == 0
    )
    assert out.read_text().startswith("# Golden Key: collaborative practice")
    wrong = run("--db", db, "report", "Study", "-f", "md", "-o", str(out), "--partnership", "Leeds")
    assert wrong.code == 2 and "unknown partnership 'Leeds'" in wrong.err


def test_qca_prints_the_truth_table_and_solution(run: Run, db: str) -> None:
    result = run(
        "--db",
        db,
        "qca",
        "Study",
        "--outcome",
        "co_creation_present",
        "--condition",
        "council_led",
        "--condition",
        "transfers_present",
    )
    assert result.code == 0, result.err
    assert "Solution (conservative): ~COUNCIL_LED*~TRANSFERS_PRESENT" in result.out
    unknown = run(
        "--db", db, "qca", "Study", "--outcome", "happiness", "--condition", "council_led"
    )
    assert unknown.code == 2 and "unknown condition 'happiness'" in unknown.err


@pytest.mark.parametrize("kind", ["typology", "activities", "iap2", "similarity"])
def test_charts_as_svg_png_and_json(run: Run, db: str, tmp_path: Path, kind: str) -> None:
    svg, png = tmp_path / f"{kind}.svg", tmp_path / f"{kind}.png"
    assert run("--db", db, "chart", "Study", kind, "-o", str(svg)).code == 0
    assert "<svg" in svg.read_text()
    assert run("--db", db, "chart", "Study", kind, "-o", str(png)).code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert json.loads(run("--db", db, "chart", "Study", kind, "--json").out)


def test_a_network_chart_needs_a_partnership(run: Run, db: str, tmp_path: Path) -> None:
    out = tmp_path / "n.svg"
    refused = run("--db", db, "chart", "Study", "network", "-o", str(out))
    assert refused.code == 2 and "give --partnership NAME" in refused.err
    assert (
        run(
            "--db",
            db,
            "chart",
            "Study",
            "network",
            "--partnership",
            "Plymouth Alliance",
            "-o",
            str(out),
        ).code
        == 0
    )
    assert "Plymouth City Council" in out.read_text()
    assert run("--db", db, "chart", "Study", "typology", "-o", str(tmp_path / "x.gif")).code == 2


def test_consensus_between_two_respondents(run: Run, tmp_path: Path) -> None:
    council = tmp_path / "council.yaml"
    council.write_text(example_path("oldham").read_text())
    group = tmp_path / "group.yaml"
    group.write_text(
        council.read_text().replace(
            "design: {professionals: lead, citizens: active}",
            "design: {professionals: lead, citizens: consulted}",
        )
    )
    chart = tmp_path / "c.png"
    result = run("consensus", str(council), str(group), "--chart", str(chart))
    assert result.code == 0, result.err
    assert "1 of" in result.out and "answers differ between 2 respondents" in result.out
    assert "council: co_design; group: consultation_only" in " ".join(result.out.split())
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert run("consensus", str(council)).code == 2


def test_consensus_refuses_two_respondents_of_one_name_and_a_missing_folder(
    run: Run, tmp_path: Path
) -> None:
    """Respondents are named by file name: two files called r.yaml would silently be one."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "r.yaml").write_text(example_path("oldham").read_text())
    twice = run("consensus", str(tmp_path / "a" / "r.yaml"), str(tmp_path / "b" / "r.yaml"))
    assert twice.code == 2 and "r names two files; rename one" in twice.err
    council = tmp_path / "a" / "r.yaml"
    group = tmp_path / "b" / "group.yaml"
    group.write_text(council.read_text())
    nowhere = tmp_path / "nodir" / "c.svg"
    missing = run("consensus", str(council), str(group), "--chart", str(nowhere))
    assert missing.code == 2 and f"no folder {nowhere.parent}" in missing.err
    assert "Traceback" not in missing.err and not nowhere.parent.exists()


def test_a_cell_summary_replaces_the_draft(run: Run, db: str) -> None:
    result = run(
        "--db",
        db,
        "cell",
        "Study",
        "Wirral",
        "activity:co_design",
        "--summary",
        "Residents and officers designed the food strategy together.",
        "--status",
        "reviewed",
        "--coder",
        "ann",
    )
    assert result.code == 0, result.err
    data = json.loads(
        run("--db", db, "matrix", "Study", "--theme", "activity:co_design", "--format", "json").out
    )
    cell = next(c for c in data["cells"] if c["partnership"] == "Wirral")
    assert (cell["summary"], cell["status"], cell["author"], cell["drafted"]) == (
        "Residents and officers designed the food strategy together.",
        "reviewed",
        "ann",
        False,
    )
    bad = run(
        "--db",
        db,
        "cell",
        "Study",
        "Wirral",
        "activity:co_design",
        "--summary",
        "x",
        "--status",
        "final",
    )
    assert bad.code == 2 and "status must be one of draft, reviewed, agreed" in bad.err


def test_a_teams_own_profiles_join_a_project_and_get_evidence(run: Run, tmp_path: Path) -> None:
    db = str(tmp_path / "own.db")
    run("--db", db, "project", "create", "Own")
    profile = tmp_path / "ours.yaml"
    assert run("profile", "new", "-o", str(profile)).code == 0
    added = run("--db", db, "partnership", "add", "Own", str(profile))
    assert added.code == 0 and "Added 1 partnership: Riverside Together." in added.out
    again = run("--db", db, "partnership", "add", "Own", str(profile))
    assert again.code == 2 and "already exists" in again.err
    source = tmp_path / "notes.txt"
    source.write_text("Residents and officers redesigned the lunch club together.")
    run("--db", db, "import", "Own", str(source))
    assert (
        run("--db", db, "partnership", "attach", "Own", "Riverside Together", "notes.txt").code == 0
    )
    rows = json.loads(run("--db", db, "partnership", "list", "Own", "--json").out)
    assert rows == [
        {"name": "Riverside Together", "structure": "collaborative_council", "sources": 1}
    ]
    wrong = run("--db", db, "partnership", "attach", "Own", "Riverside Together", "nope.txt")
    assert wrong.code == 2 and "unknown source 'nope.txt'" in wrong.err


def test_a_group_is_not_a_matrix_theme(run: Run, db: str) -> None:
    result = run("--db", db, "matrix", "Study", "--theme", "Activities")
    assert result.code == 2 and "is a group of codes" in result.err
