"""Exports: one charset in the CSV's Content-Type; Excel filters on each data sheet and section
numbers stored as numbers. The meeting pack opens with the progress table and lists each date
request once."""
import io
import re

from openpyxl import load_workbook


def test_csv_content_type_has_one_charset(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    response = demo_client.get("/reports/plan.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].lower().count("charset") == 1
    assert response.headers["Content-Type"].startswith("text/csv")


def test_excel_has_filters_and_section_numbers_as_numbers_on_every_sheet(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    wb = load_workbook(io.BytesIO(demo_client.get("/reports/plan.xlsx").data))
    for name in ("Progress", "By organisation", "Sub-actions"):
        ws = wb[name]
        assert ws.auto_filter.ref == ws.dimensions, name
    progress = [r[0] for r in wb["Progress"].iter_rows(min_row=2, values_only=True)]
    assert progress[:-1] == list(range(1, 16)) and progress[-1] == "Total"
    rows = wb["Sub-actions"].iter_rows(values_only=True)
    column = next(rows).index("Section")
    sections = {r[column] for r in rows}
    assert sections == set(range(1, 16))


def test_meeting_pack_opens_with_progress_and_lists_each_date_request_once(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    html = demo_client.get("/reports/meeting-pack?since=1 January 2019").get_data(as_text=True)
    body = html[html.index("<h1>Meeting pack</h1>"):]
    assert body.index('id="pack-progress"') < body.index('id="pack-green"')
    total = re.search(r">Total</t[hd]>(.*?)</tr>", body, re.S).group(1)
    assert [int(n) for n in re.findall(r">\s*(\d+)\s*</td>", total)] == [49, 245, 93, 152, 0]
    requested = body.split('id="pack-requested"')[1].split('id="pack-decided"')[0]
    decided = body.split('id="pack-decided"')[1]
    refs_requested = re.findall(r'/sub-actions/(\d+)"', requested)
    refs_decided = re.findall(r'/sub-actions/(\d+)"', decided.split("</table>")[0])
    assert refs_decided  # the demo's agreed date changes (decided in March)
    assert not set(refs_requested) & set(refs_decided)  # each request once
    assert "Awaiting a decision" in requested and "Awaiting a decision" not in decided.split("</table>")[0]
