"""The import's pure reading steps, without HTTP or a database: values as offices write them, the
header under title rows, the column mapping, organisation names, fills, and rows + mapping -> plan."""
import datetime as dt

import pytest
from openpyxl import Workbook

import office_books as ob
from sefton.plan import importing as pi
from sefton.plan.importing import columns, names, values

AHCH = pi.Org(1, "ahch", "Alder Hey Children's NHS Foundation Trust", "AHCH")
SO = pi.Org(2, "s-and-o", "Southport and Ormskirk Hospital NHS Trust", "S&O")


@pytest.mark.parametrize("text, day, how", [
    ("31/03/2019", dt.date(2019, 3, 31), None),
    ("4 July 2019", dt.date(2019, 7, 4), None),
    ("30.09.19", dt.date(2019, 9, 30), "day, month, two-digit year"),
    ("Sept 2019", dt.date(2019, 9, 30), "the last day of the month"),
    ("June 2019", dt.date(2019, 6, 30), "the last day of the month"),
    ("end of June 2019", dt.date(2019, 6, 30), "the last day of the month"),
    ("End of Feb 2020", dt.date(2020, 2, 29), "the last day of the month"),
    ("Q2 2019", dt.date(2019, 6, 30), "the last day of the quarter"),
    ("q4 2019", dt.date(2019, 12, 31), "the last day of the quarter"),
    ("2019 Q1", dt.date(2019, 3, 31), "the last day of the quarter"),
    (43646, dt.date(2019, 6, 30), "an Excel date number"),
    (43646.0, dt.date(2019, 6, 30), "an Excel date number"),
    (dt.datetime(2019, 7, 4, 0, 0), dt.date(2019, 7, 4), None),
    ("TBC", None, values.TBC), ("to be confirmed", None, values.TBC), ("", None, values.TBC), (None, None, values.TBC),
])
def test_dates_as_offices_write_them(text, day, how):
    assert values.read_date(text) == (day, how)


@pytest.mark.parametrize("text", ["31/02/2019", "soon", "Q5 2019", "12", "13/13/19"])
def test_dates_that_cannot_be_read_say_how_to_write_one(text):
    with pytest.raises(ValueError, match=r"write it as|not a real date|is a number"):
        values.read_date(text)


@pytest.mark.parametrize("text, roman, numbers", [
    ("1.2.3", False, (1, 2, 3)), ("1.2.c", False, (1, 2, 3)), ("1.2(c)", False, (1, 2, 3)),
    ("1.2 (c)", False, (1, 2, 3)), ("1.2 iii", True, (1, 2, 3)), ("1.2.iv", True, (1, 2, 4)),
    ("1.2 i", True, (1, 2, 1)), ("1.2 i", False, (1, 2, 9)), ("1.2", False, (1, 2, None)),
    ("12.10.11", False, (12, 10, 11)), ("x.1", False, None), ("1.2.cd", False, None),
])
def test_references_as_offices_write_them(text, roman, numbers):
    assert values.read_ref(text, roman) == numbers


def test_a_sheet_with_roman_numerals_reads_a_lone_i_as_one():
    assert values.uses_roman(["1.1 i", "1.1 ii", "1.1 iii"]) and not values.uses_roman(["1.1.a", "1.1.b", "1.1.i"])


@pytest.mark.parametrize("text, colour", [
    ("Green", values.GREEN), ("Complete", values.GREEN), ("completed", values.GREEN), ("Done", values.GREEN),
    ("Amber", values.AMBER), ("At risk", values.AMBER), ("Red", values.RED), ("Red (overdue)", values.RED),
    ("Grey (not yet due)", values.GREY), ("Ongoing", None), ("", None),
])
def test_statuses_as_offices_write_them(text, colour):
    assert values.read_status(text) == colour


@pytest.mark.parametrize("rgb, colour", [
    ("00B050", values.GREEN), ("C6EFCE", values.GREEN), ("92D050", values.GREEN), ("CCE3D6", values.GREEN),
    ("FFC000", values.AMBER), ("FFEB9C", values.AMBER), ("FFFF00", values.AMBER),
    ("FF0000", values.RED), ("FFC7CE", values.RED), ("F7D4D1", values.RED),
    ("FFFFFF", None), ("DBE0E3", None), ("005EB8", None), ("000000", None),
])
def test_fill_colours_are_judged_green_amber_red_or_none(rgb, colour):
    assert values.colour_of(rgb) == colour


def test_a_tint_lightens_or_darkens():
    assert values.tinted("9BBB59", 0.6) == "D7E4BD" and values.tinted("FFFFFF", -0.5) == "808080"


def test_organisation_names_are_compared_without_case_punctuation_and_trust_words():
    found = names.Names([AHCH, SO], {"alder hey": 1})
    assert found.find("Southport & Ormskirk") is SO and found.find("SOUTHPORT AND ORMSKIRK NHS TRUST") is SO
    assert found.find("Alder Hey") is AHCH and found.find("alder-hey.") is AHCH and found.find("ahch") is AHCH
    assert found.find("Alder Hey Children's") is AHCH and found.find("Liverpool") is None
    assert names.key("The Southport & Ormskirk Hospital NHS Trust") == "southport ormskirk"


def test_the_header_is_found_under_title_rows_and_two_merged_rows_read_as_one():
    wb = Workbook()
    ob.two_row_header(wb.active)
    book = pi.read_book("plan.xlsx", ob.as_bytes(wb), 10 ** 6)
    header = book.sheets[0].header
    assert (header.top, header.row) == (3, 4)
    assert header.headings == ("Ref", "Action", "Responsibility – Owner", "Responsibility – Lead",
                               "Timescale – Original", "Timescale – Revised", "RAG", "Update", "Update date")
    assert columns.auto_mapping(header.headings) == {
        0: "Ref", 1: "Sub-action", 2: "Owner", 3: "Lead", 4: "Original due date", 5: "Revised due date",
        6: "Status", 7: "Latest progress note", 8: "Note date"}


def test_headings_offices_write_are_mapped_and_a_recommendation_of_words_is_its_text():
    headings = ("Section", "Recommendation", "Action", "Responsible organisation", "Lead officer", "Deadline",
                "RAG", "Comments", "Evidence")
    mapping = columns.auto_mapping(headings, {1: ["Ensure that all staff are trained in CSE", "Improve records"]})
    assert mapping == {0: "Section", 1: "Recommendation text", 2: "Sub-action", 3: "Owner", 4: "Lead",
                       5: "Original due date", 6: "Status", 7: "Latest progress note", 8: "Evidence accepted"}
    assert columns.missing(mapping) == ["Ref"]  # no Ref and no recommendation numbers
    assert columns.auto_mapping(headings, {1: ["1.1", "1.2"]})[1] == "Recommendation"


def test_every_sheet_is_read_and_the_ones_not_read_are_named():
    data = ob.book({"AHCH": [["1.1.1", "a", "AHCH", "L", "TBC"]], "S&O": [["1.1.2", "b", "S&O", "L", "TBC"]]})
    wb_book = pi.read_book("plan.xlsx", data, 10 ** 6)
    lay = pi.layout(wb_book)
    assert [s.name for s in lay.sheets] == ["AHCH", "S&O"] and not lay.problems
    lay = pi.layout(wb_book, {"sheets": ["S&O"], "columns": None})
    assert [s.name for s in lay.sheets] == ["S&O"] and lay.skipped == [("AHCH", "not chosen on the Map page")]


def context(**kw):
    return pi.Context("CLAS-2018", [AHCH, SO], sections=[pi.SectionData(1, 1, "Training")],
                      recs=[pi.RecData(5, 1, 1, "Improve training", frozenset({1}))], today=dt.date(2019, 4, 1),
                      filename="plan.xlsx", importer="Ann Admin", **kw)


def row(number, **cells):
    return pi.Row("Plan", number, {k.replace("_", " "): v for k, v in cells.items()})


def test_rows_without_a_sub_action_number_are_numbered_in_sheet_order_and_the_preview_says_so():
    rows = [row(2, Section=1, Recommendation="1.1", **{"Sub-action": "a", "Owner": "AHCH", "Lead": "L"}),
            row(3, Section=1, Recommendation="1", **{"Sub-action": "b", "Owner": "AHCH", "Lead": "L"})]
    plan = pi.parse_rows(rows, context())
    assert plan.errors == [] and [a.ref for a in plan.adds] == ["1.1.1", "1.1.2"]
    assert [a.values["original_due_on"] for a in plan.adds] == [None, None]  # no due date column: TBC
    assert any(n.topic == "numbering" and n.rows == [("Plan", 2), ("Plan", 3)] for n in plan.notices)


def test_green_on_a_new_row_is_the_office_s_record_and_red_is_never_imported():
    rows = [row(2, Ref="1.1.1", Status="Complete", **{"Sub-action": "a", "Owner": "AHCH", "Lead": "L",
                                                      "Original due date": "1 March 2019",
                                                      "Accepted on": "2 March 2019"}),
            row(3, Ref="1.1.2", Status="Red", **{"Sub-action": "b", "Owner": "AHCH", "Lead": "L",
                                                 "Original due date": "1 March 2019"})]
    plan = pi.parse_rows(rows, context())
    [state] = plan.states
    assert (state.kind, state.ref, state.on) == ("accepted", "1.1.1", dt.date(2019, 3, 2))
    assert state.text == "Office's record, imported from plan.xlsx by Ann Admin"
    assert any("Red: not imported" in n.message for n in plan.notices)


def test_a_date_of_what_was_done_cannot_be_in_the_future():
    rows = [row(2, Ref="1.1.1", Status="Green", **{"Sub-action": "a", "Owner": "AHCH", "Lead": "L",
                                                   "Accepted on": "2 May 2019"})]
    plan = pi.parse_rows(rows, context())
    assert [e.column for e in plan.errors] == ["Accepted on"] and "after today" in plan.errors[0].message
