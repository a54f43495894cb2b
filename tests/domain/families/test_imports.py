"""Importing families from CSV: all rows or none, every problem with its row, duplicates caught."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, col, func, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.csv_cells import BOM
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.families.history import family_history
from distro.domain.families.import_registration import IN_FILE_MATCH_REASON
from distro.domain.families.imports import ImportReport, import_families
from distro.domain.families.models import Family, Member, Phone
from distro.domain.families.registry import load_family, register_family
from distro.domain.families.schemas import FamilyIn
from tests.builders.cli import run_cli

COORDINATOR = Actor(name="coordinator", role=Role.COORDINATOR)

Row = dict[str, str]

AMINA: Row = {
    "household": "H1",
    "district": "Sham Shui Po",
    "full_name": "Amina Yusuf",
    "phones": "9123 4567",
    "birth_date": "1990-05-01",
    "relationship": "head",
    "dietary": "halal; No pork",
}
YUSUF: Row = {
    "household": "H1",
    "full_name": "Yusuf Ali",
    "birth_date": "2015-03-02",
    "relationship": "child",
}
CHAN: Row = {
    "household": "H2",
    "district": "Kwun Tong",
    "full_name": "Chan Mei Ling",
    "phones": "+852 6123 4567",
}


def csv_text(rows: list[Row], *, bom: bool = False) -> str:
    """The rows as a CSV file with the columns they use, in order of first use."""
    columns = list(
        dict.fromkeys(["household", "district", "full_name", *(c for r in rows for c in r)])
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return (BOM if bom else "") + out.getvalue()


def run_import(
    engine: Engine, content: str, now: datetime, *, dry_run: bool = False
) -> ImportReport:
    """Import `content` in one unit of work, as the command does."""
    with unit_of_work(engine) as session:
        return import_families(
            session, io.StringIO(content), actor=COORDINATOR, now=now, dry_run=dry_run
        )


def count(engine: Engine, model: type[SQLModel]) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def last_number(engine: Engine) -> int:
    with reading(engine) as session:
        query = text("SELECT last_number FROM code_counter WHERE prefix = 'F'")
        return int(session.execute(query).scalar_one())


def messages(report: ImportReport) -> list[str]:
    return [str(problem) for problem in report.problems]


def register(session: Session, now: datetime, name: str, phone: str) -> Family:
    data = validated(
        FamilyIn, {"district": "Wan Chai", "phones": [phone], "members": [{"full_name": name}]}
    )
    return register_family(
        session, data, actor=Actor(name="volunteer", role=Role.VOLUNTEER), now=now
    )


def test_households_are_imported_with_their_members(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([AMINA, YUSUF, CHAN]), now)

    assert report.problems == [] and report.written
    assert [(f.household, f.row, f.members) for f in report.families] == [
        ("H1", 2, 2),
        ("H2", 4, 1),
    ]
    assert report.member_count == 3
    with reading(engine) as session:
        family = session.exec(select(Family).where(Family.code == report.families[0].code)).one()
        assert family.id is not None
        record = load_family(session, family.id)
    assert family.code == format_code(CodeKind.FAMILY, 1)
    assert family.district == "Sham Shui Po" and family.dietary == "halal|no_pork"
    assert [p.number for p in record.phones] == ["+85291234567"]
    assert [(m.full_name, m.relationship, m.birth_date) for m in record.members] == [
        ("Amina Yusuf", "head", date(1990, 5, 1)),
        ("Yusuf Ali", "child", date(2015, 3, 2)),
    ]
    assert count(engine, AuditEvent) == 2


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_utf8_with_or_without_bom(engine: Engine, now: datetime, bom: bool) -> None:
    report = run_import(engine, csv_text([CHAN, {**AMINA, "full_name": "陳美玲"}], bom=bom), now)

    assert report.written and report.member_count == 2
    with reading(engine) as session:
        assert "陳美玲" in session.exec(select(Member.full_name)).all()


def test_header_names_are_forgiving(engine: Engine, now: datetime) -> None:
    content = " Household ,DISTRICT,Full Name\nH1,Wan Chai,Amina Yusuf\n"

    assert run_import(engine, content, now).written


def test_header_problems_are_listed_before_anything_else(engine: Engine, now: datetime) -> None:
    report = run_import(
        engine, "household,full_name,birthdate,full_name\nH1,Amina,2000-01-01\n", now
    )

    assert messages(report)[:3] == [
        "row 1: unknown column 'birthdate'",
        "row 1: column 'full_name' appears twice",
        "row 1: required column 'district' is missing",
    ]
    assert messages(report)[3].startswith("row 1: the columns distro reads are: household, ")


def test_a_file_separated_by_semicolons_gets_a_hint(engine: Engine, now: datetime) -> None:
    report = run_import(engine, "household;district;full_name\nH1;Wan Chai;Amina\n", now)

    assert messages(report)[0].endswith("; columns must be separated by commas")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "file: is empty; its first row must name the columns"),
        ("household,district,full_name\n", "file: has no members under the header row"),
        ("household,district,full_name\n,,\n", "file: has no members under the header row"),
    ],
)
def test_a_file_without_members_is_refused(
    engine: Engine, now: datetime, content: str, expected: str
) -> None:
    assert messages(run_import(engine, content, now)) == [expected]


def test_a_file_that_is_not_utf8_is_refused(engine: Engine, now: datetime) -> None:
    latin1 = "household,district,full_name\nH1,Wan Chai,José\n".encode("latin-1")
    with unit_of_work(engine) as session:
        source = io.TextIOWrapper(io.BytesIO(latin1), encoding="utf-8", newline="")
        report = import_families(session, source, actor=COORDINATOR, now=now)

    assert messages(report) == [
        "file: is not UTF-8 text; in the spreadsheet, save it as 'CSV UTF-8'"
    ]


@pytest.mark.parametrize(
    ("row", "column", "value", "fragment"),
    [
        (3, "full_name", "", "is required"),
        (3, "full_name", "\x07\x1b\x00\u200b", ""),
        (3, "full_name", "x" * 5000, "(at most 120"),
        (3, "birth_date", "2023-02-30", "is not a real date: check the day and the month"),
        (3, "birth_date", "2026-11-26", "is in the future; check the date"),
        (3, "birth_date", "1850", "a year of birth must be between 1906 and 2026"),
        (3, "estimated_age", "ten", "must be a whole number"),
        (3, "relationship", "cousin", "must be one of: 'head', "),
        (2, "district", "Atlantis", "choose one of the 18 Hong Kong districts: "),
        (2, "phones", "9123 4567; 12345", "'12345' is not a phone number"),
        (2, "dietary", "halal; gluten free", "must be one of: 'halal', "),
        (2, "consent_date", "25/11/2026", "is not a date; type it as YYYY-MM-DD"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(
    engine: Engine, now: datetime, row: int, column: str, value: str, fragment: str
) -> None:
    rows = [dict(AMINA), dict(YUSUF)]
    rows[row - 2][column] = value

    report = run_import(engine, csv_text(rows), now)

    assert [(p.row, p.column) for p in report.problems] == [(row, column)]
    assert fragment in report.problems[0].message
    assert count(engine, Family) == 0


def test_control_characters_are_removed_from_names(engine: Engine, now: datetime) -> None:
    report = run_import(
        engine, csv_text([{**AMINA, "full_name": "Amina\x1b[2J\x00 \u200bYusuf\r\n"}]), now
    )

    assert report.written
    with reading(engine) as session:
        assert session.exec(select(Member.full_name)).one() == "Amina[2J Yusuf"


NAMES = {
    "tamil": "தமிழ்செல்வி முருகன்",
    "arabic": "فاطمة الزهراء عبد الله",
    "amharic": "አበበ ቢቂላ",
    "chinese": "陳大文",
    "sinhala": "කුමාර් පෙරේරා",
}


def test_names_in_every_script_import_unchanged(engine: Engine, now: datetime) -> None:
    rows = [
        {"household": key, "district": "Yau Tsim Mong", "full_name": name}
        for key, name in NAMES.items()
    ]

    report = run_import(engine, csv_text(rows), now)

    assert report.problems == []
    with reading(engine) as session:
        assert set(session.exec(select(Member.full_name)).all()) == set(NAMES.values())


def test_one_bad_household_means_nothing_is_imported(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([AMINA, YUSUF, {**CHAN, "district": "Atlantis"}]), now)

    assert [problem.row for problem in report.problems] == [4]
    assert not report.written
    for model in (Family, Member, Phone, AuditEvent):
        assert count(engine, model) == 0
    assert last_number(engine) == 0


def test_every_problem_is_listed_in_row_order(engine: Engine, now: datetime) -> None:
    rows = [{**CHAN, "birth_date": "2099-01-01"}, {**AMINA, "full_name": ""}, {**YUSUF, "sex": "x"}]

    report = run_import(engine, csv_text(rows), now)

    assert [(p.row, p.column) for p in report.problems] == [
        (2, "birth_date"),
        (3, "full_name"),
        (4, "sex"),
    ]


def test_household_columns_may_be_repeated_but_not_contradicted(
    engine: Engine, now: datetime
) -> None:
    rows = [
        AMINA,
        {**YUSUF, "district": "Sham Shui Po"},
        {**YUSUF, "full_name": "Omar", "district": "Wan Chai"},
    ]

    assert messages(run_import(engine, csv_text(rows), now)) == [
        "row 4, district: differs from row 2 of household H1; repeat it or leave it empty"
    ]


def test_household_columns_may_come_from_a_later_row(engine: Engine, now: datetime) -> None:
    rows = [{**AMINA, "district": ""}, {**YUSUF, "district": "Sai Kung"}]

    run_import(engine, csv_text(rows), now)

    with reading(engine) as session:
        assert session.exec(select(Family.district)).one() == "Sai Kung"


def test_a_row_needs_a_household_key(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([{**AMINA, "household": " "}]), now)

    assert messages(report) == ["row 2, household: is required; it groups a family's rows"]


def test_a_value_in_a_column_without_a_name_is_reported(engine: Engine, now: datetime) -> None:
    content = "household,district,full_name,\nH1,Wan Chai,Amina,\nH2,Wan Chai,Omar,oops\n"

    assert messages(run_import(engine, content, now)) == [
        "row 3: has a value in column 4, which has no name"
    ]


def test_a_household_of_more_than_30_is_refused(engine: Engine, now: datetime) -> None:
    rows = [
        {**AMINA, "full_name": f"Member {n}", "relationship": "", "phones": ""} for n in range(31)
    ]

    assert messages(run_import(engine, csv_text(rows), now)) == [
        "row 2, household: has too many entries (at most 30)"
    ]


def test_two_heads_are_reported_on_the_household(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([AMINA, {**YUSUF, "relationship": "Head"}]), now)

    assert messages(report) == ["row 2: only one member can be the head of the household"]


def test_a_likely_duplicate_of_an_existing_family_is_reported(
    engine: Engine, now: datetime
) -> None:
    with unit_of_work(engine) as session:
        existing = register(session, now, "Wong Siu Ming", "61234567").code

    report = run_import(engine, csv_text([AMINA, CHAN]), now)

    assert len(report.problems) == 1
    problem = report.problems[0]
    assert problem.row == 3
    assert f"may already be registered: {existing} (same phone +852 6123 4567)" in problem.message
    assert "write why in duplicate_reason" in problem.message
    assert count(engine, Family) == 1


def test_duplicate_reason_registers_the_household_anyway(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        existing = register(session, now, "Wong Siu Ming", "61234567").code

    reason = "a neighbour's phone; checked at the counter"
    report = run_import(engine, csv_text([{**CHAN, "duplicate_reason": reason}]), now)

    assert report.written
    with reading(engine) as session:
        family = session.exec(select(Family).where(Family.code == report.families[0].code)).one()
        assert family.id is not None
        event = family_history(session, family.id)[0]
    assert event.reason == f"Registered despite possible duplicates {existing}: {reason}"


def test_households_alike_within_one_file_are_both_imported(engine: Engine, now: datetime) -> None:
    rows = [CHAN, {**CHAN, "household": "H3", "full_name": "Chan Mei Ling"}]

    report = run_import(engine, csv_text(rows), now)

    assert report.written and len(report.families) == 2
    with reading(engine) as session:
        event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert event is not None and event.reason.endswith(IN_FILE_MATCH_REASON)


def test_a_family_code_is_kept_and_never_handed_out_again(engine: Engine, now: datetime) -> None:
    kept = format_code(CodeKind.FAMILY, 42)

    report = run_import(engine, csv_text([{**AMINA, "family_code": kept.lower()}, CHAN]), now)

    assert [family.code for family in report.families] == [kept, format_code(CodeKind.FAMILY, 43)]
    with unit_of_work(engine) as session:
        assert register(session, now, "Omar Hassan", "55554444").code == format_code(
            CodeKind.FAMILY, 44
        )


def test_family_code_problems(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        used = register(session, now, "Wong Siu Ming", "55554444").code
    other = format_code(CodeKind.FAMILY, 7)
    rows = [
        {**AMINA, "family_code": used},
        {**CHAN, "family_code": other},
        {**CHAN, "household": "H3", "family_code": other},
        {**CHAN, "household": "H4", "family_code": other[:-1] + ("0" if other[-1] != "0" else "1")},
    ]

    report = run_import(engine, csv_text(rows), now)

    assert [(p.row, p.column) for p in report.problems] == [
        (2, "family_code"),
        (4, "family_code"),
        (5, "family_code"),
    ]
    assert report.problems[0].message == f"{used} is already used by a family"
    assert report.problems[1].message == f"{other} is also the code of the household on row 3"
    assert "looks mistyped" in report.problems[2].message


def test_a_status_other_than_active_is_applied(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([{**AMINA, "status": "Left HK"}]), now)

    assert report.families[0].status == "left_hk"
    with reading(engine) as session:
        assert session.exec(select(Family.status)).one() == "left_hk"
        actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert actions == ["family.register", "family.status"]


def test_merged_is_not_a_status_a_file_can_give(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([{**AMINA, "status": "merged"}]), now)

    assert messages(report) == ["row 2, status: a family becomes merged only through a merge"]


def test_a_year_alone_is_an_estimated_date_of_birth(engine: Engine, now: datetime) -> None:
    run_import(engine, csv_text([AMINA, {**YUSUF, "birth_date": "2016"}]), now)

    with reading(engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Yusuf Ali")).one()
    assert (member.birth_date, member.birth_date_estimated) == (date(2016, 1, 1), True)


def test_a_year_and_an_estimated_age_together_are_refused(engine: Engine, now: datetime) -> None:
    report = run_import(
        engine, csv_text([{**AMINA, "birth_date": "1990", "estimated_age": "36"}]), now
    )

    assert messages(report) == [
        "row 2, birth_date: give a year of birth or an estimated_age, not both"
    ]


def test_a_dry_run_checks_everything_and_writes_nothing(engine: Engine, now: datetime) -> None:
    content = csv_text([AMINA, YUSUF, CHAN])

    dry = run_import(engine, content, now, dry_run=True)

    assert dry.problems == [] and not dry.written
    assert [family.code for family in dry.families] == [
        format_code(CodeKind.FAMILY, n) for n in (1, 2)
    ]
    for model in (Family, Member, Phone, AuditEvent):
        assert count(engine, model) == 0
    assert last_number(engine) == 0
    assert run_import(engine, content, now).families == dry.families


def test_a_dry_run_reports_problems_too(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([{**AMINA, "district": "Atlantis"}]), now, dry_run=True)

    assert [problem.row for problem in report.problems] == [2]


def cli(*argv: str) -> int:
    """Run the `distro` command as the coordinator and return its exit status."""
    return run_cli(*argv)


def test_command_imports_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, source = tmp_path / "cli.sqlite3", tmp_path / "families.csv"
    source.write_text(csv_text([AMINA, YUSUF, CHAN], bom=True), encoding="utf-8")

    assert cli("--db", str(db), "import", "families", str(source), "--dry-run") == 0
    assert "Dry run: 2 families (3 members) would be imported" in capsys.readouterr().out
    assert cli("--db", str(db), "import", "families", str(source)) == 0

    out = capsys.readouterr().out
    assert f"row 2: H1 -> {format_code(CodeKind.FAMILY, 1)}, 2 members" in out
    assert out.endswith("Imported 2 families (3 members).\n")


def test_command_lists_problems_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, source = tmp_path / "cli.sqlite3", tmp_path / "families.csv"
    source.write_text(csv_text([AMINA, {**YUSUF, "birth_date": "2023-02-30"}]), encoding="utf-8")

    assert cli("--db", str(db), "import", "families", str(source)) == 1

    captured = capsys.readouterr()
    assert captured.out == "row 3, birth_date: is not a real date: check the day and the month\n"
    assert captured.err == "distro: 1 problem; nothing was imported.\n"


def test_command_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.csv"

    assert cli("--db", str(tmp_path / "cli.sqlite3"), "import", "families", str(missing)) == 1
    assert capsys.readouterr().err.startswith(f"distro: cannot read {missing}: ")


def test_problems_of_every_kind_are_reported_in_one_run(engine: Engine, now: datetime) -> None:
    """A bad phone, a future birth date and two heads in different rows, each household with
    another problem too: every one is reported in the first run, with its row and column."""
    rows = [
        {**AMINA, "phones": "9123 456"},
        {**YUSUF, "birth_date": "2099-01-01", "sex": "x"},
        {**CHAN, "relationship": "head", "phones": "12"},
        {"household": "H2", "full_name": "Chan Tai Man", "relationship": "Head"},
    ]

    report = run_import(engine, csv_text(rows), now, dry_run=True)

    found = {(p.row, p.column): p.message for p in report.problems}
    assert sorted(found) == [(2, "phones"), (3, "birth_date"), (3, "sex"), (4, ""), (4, "phones")]
    assert "'9123 456' is not a phone number" in found[2, "phones"]
    assert found[3, "birth_date"] == "is in the future; check the date"
    assert found[4, ""] == "only one member can be the head of the household"


def test_codes_given_twice_are_reported_whatever_else_is_wrong(
    engine: Engine, now: datetime
) -> None:
    code = format_code(CodeKind.FAMILY, 7)
    rows = [{**AMINA, "family_code": code, "sex": "x"}, {**CHAN, "family_code": code}]

    report = run_import(engine, csv_text(rows), now)

    assert (3, "family_code", f"{code} is also the code of the household on row 2") in {
        (p.row, p.column, p.message) for p in report.problems
    }


def test_a_household_whose_rows_are_apart_is_reported(engine: Engine, now: datetime) -> None:
    report = run_import(engine, csv_text([AMINA, CHAN, YUSUF]), now)

    assert messages(report) == [
        "row 4, household: household H1 already ended on row 2, other households came "
        "between: keep a family's rows together, or give this family its own key"
    ]


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        (',"Sham Shui', "file: ends inside a quoted cell on line 3: it looks cut off"),
        (',"Sham Shui\n', "file: ends inside a quoted cell on line 3: it looks cut off"),
        (',"Flat 2\nSham Shui', "file: ends inside a quoted cell on line 3: it looks cut off"),
        (",Sham Shui", "file: ends on line 3 with 2 of the header's 3 cells: it looks cut off"),
    ],
    ids=["inside-quotes", "inside-quotes-after-a-line-break", "across-lines", "fewer-cells"],
)
def test_a_file_cut_off_is_refused_and_nothing_imported(
    engine: Engine, now: datetime, cut: str, expected: str
) -> None:
    content = "household,full_name,district\nH1,Amina Yusuf,Wan Chai\nH2" + cut

    report = run_import(engine, content, now)

    assert messages(report) == [expected]
    assert not report.written and count(engine, Family) == 0


@pytest.mark.parametrize("last_line_break", ["", "\n"])
def test_a_lone_quote_inside_an_unquoted_cell_is_text_not_a_cut(
    engine: Engine, now: datetime, last_line_break: str
) -> None:
    content = (
        'household,full_name,district\nH1,Amina "Mina" Yusuf,Wan Chai\n'
        f'H2,Chan 5" Mei,Kwun Tong{last_line_break}'
    )

    report = run_import(engine, content, now)

    assert report.problems == []
    assert count(engine, Family) == 2


def test_every_change_made_on_its_own_is_listed(engine: Engine, now: datetime) -> None:
    rows = [
        {**AMINA, "full_name": "Amina  Yusuf\u200b ", "phones": "9123 4567; 91234567"},
        {**YUSUF, "full_name": "Yusuf\tAli", "languages": "Arabic; Arabic"},
        {**CHAN, "full_name": "Chan Mei Ling"},
    ]

    report = run_import(engine, csv_text(rows), now, dry_run=True)

    assert report.problems == []
    assert [str(change) for change in report.changes] == [
        "row 2, full_name: spaces at the ends trimmed",
        "row 2, full_name: control characters removed",
        "row 2, full_name: doubled spaces made single",
        "row 2, phones: 1 repeated entry left out",
        "row 3, full_name: line breaks or tabs replaced by spaces",
        "row 3, languages: 1 repeated entry left out",
        "row 4, relationship: no member is marked head: this member is taken as the head",
    ]
    assert run_import(engine, csv_text(rows), now).changes == report.changes
