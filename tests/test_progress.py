"""The progress table: every cell of PRODUCT.md section 4 (section 15 corrected), page and CLI."""
import csv
import io
import re

import pytest

# Written out here, not imported from the demo, so the test checks the demo against the brief.
EXPECTED = [
    ("1", 9, 46, 20, 26, 0), ("2", 6, 14, 1, 13, 0), ("3", 1, 8, 4, 4, 0), ("4", 5, 10, 6, 4, 0),
    ("5", 5, 24, 17, 7, 0), ("6", 1, 3, 0, 3, 0), ("7", 1, 3, 2, 1, 0), ("8", 1, 3, 0, 3, 0),
    ("9", 1, 2, 2, 0, 0), ("10", 6, 15, 5, 10, 0), ("11", 1, 8, 2, 6, 0), ("12", 3, 39, 17, 22, 0),
    ("13", 1, 5, 2, 3, 0), ("14", 1, 4, 0, 4, 0), ("15", 7, 61, 15, 46, 0), ("Total", 49, 245, 93, 152, 0),
]
HEADER = ["Section", "Number of actions", "Number of sub-actions", "Green", "Grey (not yet due)", "Red"]


def table_cells(html, table_id):
    block = re.search(rf'id="{table_id}".*?</table>', html, re.S).group(0)
    header = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', block, re.S)]
    rows = []
    for tr in re.findall(r"<tbody.*?</tbody>", block, re.S)[0].split("</tr>")[:-1]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        rows.append(tuple([cells[0]] + [int(c) for c in cells[1:]]))
    return header, rows


@pytest.mark.parametrize("email", ["admin@demo.test", "reviewer@demo.test", "viewer@demo.test"])
def test_dashboard_shows_the_deck_table_exactly(demo_client, demo_auth, email):
    demo_auth.login(email)
    html = demo_client.get("/").get_data(as_text=True)
    header, rows = table_cells(html, "progress-overall")
    assert header == HEADER
    assert rows == EXPECTED
    assert "fixed at 1 April 2019" in html


def test_cli_csv_prints_the_same_table(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["progress", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == HEADER
    assert [tuple([r[0]] + [int(x) for x in r[1:]]) for r in rows[1:]] == EXPECTED


def test_cli_text_and_org_slice(demo_app):
    runner = demo_app.test_cli_runner()
    text = runner.invoke(args=["progress"]).output
    assert "Total" in text and "245" in text and "as at 1 April 2019" in text
    ahch = list(csv.reader(io.StringIO(runner.invoke(args=["progress", "--org", "ahch", "--format", "csv"]).output)))
    assert [r[0] for r in ahch[1:]] == ["4", "8", "9", "10", "11", "12", "15", "Total"]
    bad = runner.invoke(args=["progress", "--org", "nope"])
    assert bad.exit_code != 0 and "no organisation" in bad.output


def test_as_at_an_earlier_date_gives_the_figures_of_then(demo_app):
    runner = demo_app.test_cli_runner()
    rows = list(csv.reader(io.StringIO(runner.invoke(args=["progress", "--as-at", "2019-01-15", "--format", "csv"]).output)))
    total = rows[-1]
    assert total[0] == "Total" and int(total[2]) == 245
    assert int(total[3]) == 0  # nothing had been accepted a day after the plan was agreed
    later = list(csv.reader(io.StringIO(runner.invoke(args=["progress", "--as-at", "4 July 2019", "--format", "csv"]).output)))
    assert int(later[-1][5]) > 0  # without further work, sub-actions due by then turn red


def test_org_dashboard_counts_its_own_slice(demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    html = demo_client.get("/").get_data(as_text=True)
    header, rows = table_cells(html, "progress-own")
    assert [r[0] for r in rows] == ["4", "8", "9", "10", "11", "12", "15", "Total"]
    assert rows[0][1:3] == (5, 10)  # section 4 is Alder Hey's alone
    assert 'id="progress-overall"' not in html and 'id="progress-by-org"' not in html


def test_by_organisation_table(demo_client, demo_auth):
    demo_auth.login("reviewer@demo.test")
    _, rows = table_cells(demo_client.get("/").get_data(as_text=True), "progress-by-org")
    total = rows[-1]
    assert total == ("Total", 49, 245, 93, 152, 0)
    assert sum(r[2] for r in rows[:-1]) == 245


def test_dashboard_as_at_query_and_bad_date(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    html = demo_client.get("/?as_at=15 January 2019").get_data(as_text=True)
    _, rows = table_cells(html, "progress-overall")
    assert rows[-1][3] == 0
    bad = demo_client.get("/?as_at=31 February 2019").get_data(as_text=True)
    assert "Enter a real date" in bad
    future = demo_client.get("/?as_at=31 December 2019").get_data(as_text=True)
    assert "Choose a date on or before today (1 April 2019)" in future
    _, rows = table_cells(future, "progress-overall")
    assert rows[-1] == ("Total", 49, 245, 93, 152, 0)  # shown as at today instead
