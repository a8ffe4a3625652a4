"""The import's rules, without HTTP or a database: rows in, a plan of changes out."""
import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from sefton.plan import importing as pi

AHCH = pi.Org(1, "ahch", "Alder Hey Children's NHS Foundation Trust", "AHCH")
NWBH = pi.Org(2, "nwbh", "North West Boroughs Healthcare NHS Foundation Trust", "NWBH")
GONE = pi.Org(3, "gone", "Closed Trust", "Closed", active=False)
D = dt.date(2019, 7, 4)


def context(whole_plan=False, **changes):
    subs = [pi.SubData(11, 1, 1, 1, "Audit the records", 1, "Named Nurse", D),
            pi.SubData(12, 1, 1, 2, "Train the staff", 2, "Head of Nursing", D),
            pi.SubData(13, 1, 2, 1, "Old work", 2, "Lead", D, retired_on=dt.date(2019, 3, 1))]
    ctx = dict(review_code="CLAS-2018", orgs=[AHCH, NWBH, GONE],
               sections=[pi.SectionData(1, 1, "Training")],
               recs=[pi.RecData(5, 1, 1, "Improve training", frozenset({1, 2})),
                     pi.RecData(6, 1, 2, "Records", frozenset({2}))],
               subs=subs, whole_plan=whole_plan)
    ctx.update(changes)
    return pi.Context(**ctx)


def row(number=2, **cells):
    base = {"Review": "CLAS-2018", "Section": 1, "Section title": "Training", "Recommendation": "1.1",
            "Recommendation text": "Improve training", "Recommendation owners": "AHCH; NWBH", "Ref": "1.1.1",
            "Sub-action": "Audit the records", "Owner": "Alder Hey Children's NHS Foundation Trust",
            "Lead": "Named Nurse", "Original due date": dt.datetime(2019, 7, 4)}
    base.update({k.replace("_", " "): v for k, v in cells.items()})
    letters = {name: chr(65 + i) for i, name in enumerate(pi.IMPORTED)}
    return pi.Row("Sub-actions", number, base, letters)


def same_as_plan(number=2):
    return [row(number), row(number + 1, Ref="1.1.2", **{"Sub-action": "Train the staff", "Owner": "nwbh",
                                                          "Lead": "Head of Nursing"})]


def test_the_plan_as_it_is_changes_nothing():
    plan = pi.parse_rows(same_as_plan(), context())
    assert plan.errors == [] and plan.nothing_to_do and not plan.can_apply
    assert plan.digest() == pi.parse_rows(same_as_plan(), context()).digest()


def test_a_changed_row_lists_old_and_new_values():
    rows = [row(**{"Sub-action": "Audit all the records", "Owner": "NWBH", "Original due date": "1 August 2019"})]
    plan = pi.parse_rows(rows, context())
    assert plan.errors == [] and plan.can_apply
    got = {c.field: (c.shown_old, c.shown_new) for c in plan.changes}
    assert got == {"text": ("Audit the records", "Audit all the records"),
                   "owner_id": (AHCH.name, NWBH.name),
                   "original_due_on": ("4 July 2019", "1 August 2019")}
    assert {c.new for c in plan.changes if c.field == "original_due_on"} == {dt.date(2019, 8, 1)}
    assert plan.counts()["changed"] == 1


def test_a_new_ref_adds_the_sub_action_and_a_new_section_and_recommendation():
    rows = [row(Ref="2.1.1", Section=2, Recommendation="2.1", **{"Section title": "Transitions",
                                                                 "Recommendation text": "Plan transitions",
                                                                 "Recommendation owners": "ahch"})]
    plan = pi.parse_rows(rows, context())
    assert plan.errors == []
    assert [(a.kind, a.ref) for a in plan.adds] == [("section", "2"), ("recommendation", "2.1"), ("sub-action", "2.1.1")]
    assert plan.adds[1].values == {"text": "Plan transitions", "owner_ids": frozenset({1})}
    assert plan.adds[2].values == {"text": "Audit the records", "owner_id": 1, "lead": "Named Nurse",
                                   "original_due_on": D}


def test_a_new_section_needs_its_title_and_a_new_recommendation_its_text():
    rows = [row(Ref="2.1.1", Section=2, Recommendation="2.1", **{"Section title": None, "Recommendation text": None})]
    plan = pi.parse_rows(rows, context())
    assert {(e.column, e.message) for e in plan.errors} == {
        ("Section title", "section 2 is new: enter its title"),
        ("Recommendation text", "recommendation 2.1 is new: enter its text")}
    assert not plan.can_apply


def test_every_error_is_named_by_sheet_row_and_column():
    rows = [row(2, Owner="Nobody Trust"),
            row(3, Ref="1.1.2", **{"Original due date": "31 February 2019", "Sub-action": None, "Lead": " "}),
            row(4, Ref="1.1.3", Review="JTAI-2020"),
            row(5, Ref="1.1.1"),
            row(6, Ref="1.2.4", Section=3, Recommendation="1.2"),
            row(7, Ref="1.1.5", Recommendation="1.2"),
            row(8, Ref="x.1")]
    plan = pi.parse_rows(rows, context())
    got = {(e.row, e.column) for e in plan.errors}
    assert got == {(None, "Owner"), (3, "Original due date"), (3, "Sub-action"), (3, "Lead"), (4, "Review"),
                   (5, "Ref"), (6, "Section"), (7, "Recommendation"), (8, "Ref")}
    messages = {(e.row, e.column): e.message for e in plan.errors}
    assert "another review" in messages[(4, "Review")]
    assert "also on row 2" in messages[(5, "Ref")]
    assert str(plan.errors[-1]) == ("Sub-actions, column I (Owner): there is no organisation \"Nobody Trust\" (row 2). "
                                    "Choose what it means under \"Organisation names the tracker does not know\", "
                                    "or use one of: AHCH (Alder Hey Children's NHS "
                                    "Foundation Trust); NWBH (North West Boroughs Healthcare NHS Foundation Trust)")
    assert [(u.text, u.rows) for u in plan.unknown] == [("Nobody Trust", [("Sub-actions", 2)])]
    assert not plan.can_apply


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_refused(text):
    plan = pi.parse_rows([row(**{"Sub-action": text})], context())
    assert [(e.column, "formula" in e.message) for e in plan.errors] == [("Sub-action", True)]


def test_a_formula_cell_is_refused_and_our_escaped_text_is_kept_as_text():
    plan = pi.parse_rows([row(**{"Lead": pi.Formula("=A1")})], context())
    assert [e.column for e in plan.errors] == ["Lead"] and "Remove the formula" in plan.errors[0].message
    plan = pi.parse_rows([row(**{"Sub-action": "'=HYPERLINK(1)"})], context())
    assert plan.errors == [] and [c.new for c in plan.changes] == ["=HYPERLINK(1)"]


def test_text_longer_than_the_limit_is_refused():
    plan = pi.parse_rows([row(**{"Sub-action": "x" * 5001})], context())
    assert [e.column for e in plan.errors] == ["Sub-action"] and "5,000" in plan.errors[0].message


@pytest.mark.parametrize("value", ["4 July 2019", "04/07/2019", "2019-07-04", dt.date(2019, 7, 4),
                                   dt.datetime(2019, 7, 4)])
def test_dates_as_people_write_them(value):
    plan = pi.parse_rows([row(**{"Original due date": value}), *same_as_plan(3)[1:]], context())
    assert plan.errors == [] and plan.nothing_to_do


def test_a_number_is_not_a_date_unless_it_is_an_excel_date_that_lost_its_format():
    plan = pi.parse_rows([row(**{"Original due date": 12})], context())
    assert [e.column for e in plan.errors] == ["Original due date"]
    plan = pi.parse_rows([row(**{"Original due date": 43650}), *same_as_plan(3)[1:]], context())
    assert plan.errors == [] and plan.nothing_to_do  # 43650 is 4 July 2019
    assert [n.message for n in plan.notices] == ['Original due date: "43650" read as 4 July 2019 (an Excel date '
                                                 'number)']


def test_retired_sub_actions_cannot_be_changed():
    plan = pi.parse_rows([row(Ref="1.2.1", Recommendation="1.2", **{"Recommendation text": "Records",
                                                                   "Recommendation owners": "NWBH"})], context())
    assert [e.message for e in plan.errors] == ["Sub-action 1.2.1 was retired on 1 March 2019; it cannot be changed "
                                                "by import"]


def test_without_the_whole_plan_option_missing_rows_are_left_alone():
    plan = pi.parse_rows([row()], context())
    assert plan.errors == [] and plan.nothing_to_do


def test_with_the_whole_plan_option_missing_rows_are_retired():
    plan = pi.parse_rows([row(**{"Recommendation owners": "AHCH"})], context(whole_plan=True))
    assert plan.errors == []
    assert [(r.ref, r.id) for r in plan.retires] == [("1.1.2", 12)]  # 1.2.1 is retired already
    assert [(c.field, c.shown_new) for c in plan.changes] == [("owner_ids", "AHCH")]


def test_recommendation_owners_keep_the_owners_of_sub_actions_left_alone():
    plan = pi.parse_rows([row(**{"Recommendation owners": "AHCH"})], context())
    assert plan.nothing_to_do  # NWBH still owns 1.1.2, which the file leaves alone


def test_rows_of_one_recommendation_must_agree_on_its_text():
    rows = same_as_plan()
    rows[1].cells["Recommendation text"] = "Something else"
    plan = pi.parse_rows(rows, context())
    assert [(e.row, e.column) for e in plan.errors] == [(3, "Recommendation text")]


def test_a_deactivated_organisation_cannot_be_given_a_sub_action():
    plan = pi.parse_rows([row(Owner="gone")], context())
    assert [e.column for e in plan.errors] == ["Owner"] and "deactivated" in plan.errors[0].message


# --- reading files ------------------------------------------------------------------------------

def _xlsx(lines, title="Sub-actions"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for line in lines:
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_is_read_with_row_numbers_and_formulas_seen_as_formulas():
    data = _xlsx([pi.IMPORTED, [], ["CLAS-2018", 1, "T", "1.1", "R", "AHCH", "1.1.1", "=1+1", "ahch", "L", D]])
    [line] = rows_of(pi.read_book("plan.xlsx", data, 10 ** 6))
    assert line.number == 3 and line.letters["Sub-action"] == "H"
    assert isinstance(line.cells["Sub-action"], pi.Formula) and line.cells["Original due date"].date() == D


def test_a_csv_is_read_with_a_bom():
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(pi.IMPORTED)
    writer.writerow(["CLAS-2018", "1", "T", "1.1", "R", "AHCH", "1.1.1", "Text,\nover two lines", "ahch", "L", "2019-07-04"])
    writer.writerow([])
    [line] = rows_of(pi.read_book("plan.csv", out.getvalue().encode(), 10 ** 6))
    assert line.sheet == "CSV file" and line.cells["Review"] == "CLAS-2018"
    assert line.cells["Sub-action"] == "Text,\nover two lines"


@pytest.mark.parametrize("name, data, message", [
    ("plan.xlsx", b"%PDF-1.7 not a workbook", "is not an Excel workbook"),
    ("plan.csv", _xlsx([pi.IMPORTED]), "is not an Excel workbook"),
    ("plan.xls", b"a,b\n", "is not an Excel workbook"),
    ("plan.csv", b"", "is empty"),
    ("plan.csv", b"x" * 2000, "larger than 1 KB"),
])
def test_files_refused_as_a_whole(name, data, message):
    with pytest.raises(pi.FileError, match=message):
        pi.read_book(name, data, 1024 if data.startswith(b"x") else 10 ** 5)


def rows_of(book):
    lay = pi.layout(book)
    assert not lay.problems, lay.problems
    return [r for sheet in lay.sheets for r in pi.rows_of(sheet, lay.headers[sheet.name], lay.mapping)]


def test_at_most_so_many_rows():
    lines = [",".join(pi.IMPORTED)] + ["CLAS-2018,1,T,1.1,R,AHCH,1.1.%d,S,ahch,L,2019-07-04" % n for n in range(1, 6)]
    data = "\n".join(lines).encode()
    assert len(rows_of(pi.read_book("plan.csv", data, 10 ** 6, max_rows=5))) == 5
    with pytest.raises(pi.FileError, match="more than 4 rows"):
        book = pi.read_book("plan.csv", data, 10 ** 6, max_rows=4)
        lay = pi.layout(book)
        pi.rows_of(lay.sheets[0], lay.headers["CSV file"], lay.mapping, max_rows=4)
