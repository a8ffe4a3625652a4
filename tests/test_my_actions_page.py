""""My actions": the default view opens on what needs doing (the rules of the reminders and the
"Needs your attention" panel), and the full list, /my-actions/all, is paged in SQL (50 rows a page)
with its filters; every link into My actions lands on the row; nothing of another organisation."""
import datetime as dt
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from conftest import Auth
from sefton.notifications import notify, plan_state, reminders
from sefton.demo import scale
from sefton.extensions import db
from sefton.models import DueDateRequest, EvidenceSubmission, Recommendation, Review, SubAction, User
from sefton.models import recommendation_owners
from sefton.workspace.rows import GROUPS
from test_workspace import TODAY, full_list, org, own_sub_action

ROW = r'app-workspace-row" id="subaction-(\d+)"'


@pytest.fixture
def ahch(client):
    auth = Auth(client)
    auth.login("ahch@demo.test")
    return auth


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def expected_groups(email):
    """{group: [sub-action id]} by sefton.reminders, as the panel and the e-mails work them out."""
    member = user(email)
    review = db.session.scalar(select(Review).order_by(Review.id))
    state = plan_state.load(TODAY, user=member, review_id=review.id)
    found = reminders.for_organisation(state, member.organisation_id)
    # Due date to be confirmed: the organisation's own, not accepted, in plan order (not a reminder).
    found[reminders.TBC] = [SimpleNamespace(sub=sa) for sa in sorted(
        db.session.scalars(select(SubAction).where(SubAction.owner_id == member.organisation_id,
                                                   SubAction.current_due_on.is_(None), SubAction.retired_on.is_(None),
                                                   SubAction.state != "accepted")),
        key=lambda sa: tuple(int(n) for n in sa.ref.split(".")))]
    out = {}
    for group, parts in GROUPS:
        parts = parts or (group,)
        ids = []
        for part in parts:
            ids += [i.sub.id for i in found[part] if i.sub.id not in ids]
        out[group] = ids
    return out


def group_block(html, group):
    start = html.index(f'id="needs-{group}"')
    end = html.find("<h2", start + 1)
    return html[start:end if end != -1 else None]


def shown_in(block):
    """(ids of the rows in a group, ids it links to because an earlier group shows them)."""
    return ([int(i) for i in re.findall(ROW, block)],
            [int(i) for i in re.findall(r'href="#subaction-(\d+)"', block)])


def make_returned(sa, reason="The minutes are of the wrong meeting."):
    sa.state = "returned"
    db.session.add(EvidenceSubmission(sub_action_id=sa.id, description="Minutes", status="returned",
                                      submitted_on=dt.date(2019, 3, 1), decided_on=dt.date(2019, 3, 5),
                                      decision_comment=reason))


def make_overdue(sa):
    sa.original_due_on = sa.current_due_on = dt.date(2019, 3, 1)


# --- the default view ----------------------------------------------------------------------------

def test_my_actions_opens_on_what_needs_doing_by_the_reminders_rules(app, client, ahch):
    open_ones = db.session.scalars(
        select(SubAction).where(SubAction.owner_id == org("ahch").id, SubAction.state == "open",
                                SubAction.current_due_on > TODAY + dt.timedelta(days=40))
        .order_by(SubAction.id)).all()
    make_returned(open_ones[0])
    make_overdue(open_ones[1])
    make_returned(open_ones[2], "Only one ward audited.")
    make_overdue(open_ones[2])  # returned and overdue: its row is shown once, in the first group
    tbc = [sa for sa in open_ones[3:] if not sa.date_requests][:2]  # no date agreed, none asked for
    for sa in tbc:  # due date to be confirmed: a group of its own, last
        sa.original_due_on = sa.current_due_on = None
    make_returned(tbc[1], "Not signed.")  # returned, to be confirmed: shown in the first group
    db.session.commit()
    expected = expected_groups("ahch@demo.test")
    assert all(expected.values()), expected  # every group has something at the fixed date
    html = client.get("/my-actions").get_data(as_text=True)
    seen = []
    for group, _ in GROUPS:
        block = group_block(html, group)
        rows, above = shown_in(block)
        assert re.search(rf'id="needs-{group}">[^<]+: {len(expected[group])}</h2>', block), group
        assert re.search(rf'data-needs="{group}">{len(expected[group])}<', html), group  # the contents list
        assert rows == [i for i in expected[group] if i not in seen]  # the reminders' order
        assert sorted(above) == sorted(i for i in expected[group] if i in seen)
        seen += rows
    assert len(seen) == len(set(seen))  # no row twice (ids unique on the page)
    returned = group_block(html, reminders.RETURNED)
    assert "Only one ward audited." in returned and "The minutes are of the wrong meeting." in returned
    assert f'href="#subaction-{open_ones[2].id}"' in group_block(html, reminders.OVERDUE)
    block = group_block(html, reminders.TBC)
    assert "Due date to be confirmed: 2</h2>" in block and f'href="#subaction-{tbc[1].id}"' in block
    assert "The Task and Finish group office will set the due date" in block
    row = re.search(rf'<tr [^>]*id="subaction-{tbc[0].id}".*?</tr>', html, re.S).group(0)
    assert "Due date to be confirmed" in row and "Ask for a new due date" not in row
    assert html.index('id="needs-tbc"') > html.index('id="needs-dates_pending"')
    # The rows have their controls; the panel on this page keeps only the decisions not yet seen.
    row = re.search(rf'<tr [^>]*id="subaction-{open_ones[1].id}".*?</tr>', html, re.S).group(0)
    assert "Write a progress note" in row and "/forms/note" in row  # its form is fetched when opened
    panel = html[html.index('id="attention"'):html.index("</section>", html.index('id="attention"'))]
    assert 'data-category="decided"' in panel
    assert not re.search(r'data-category="(returned|overdue|due_7|due_30|dates_pending)"', panel)
    # The dashboard's panel has them all, with the same counts.
    dashboard = client.get("/").get_data(as_text=True)
    assert f"Overdue: {len(expected[reminders.OVERDUE])}</h3>" in dashboard
    assert len(re.findall(ROW, html)) <= 50


def test_the_page_shows_at_most_50_rows_shared_among_the_groups_and_links_to_the_rest(app, client, ahch):
    scale.build(8)  # 8 times the plan: Alder Hey has 56 sub-actions due within 30 days, 8 date requests
    db.session.commit()
    expected = expected_groups("ahch@demo.test")
    due, dates = expected[reminders.DUE_30], expected[reminders.DATES_PENDING]
    assert len(due) > 50 and 0 < len(dates) < 25
    html = client.get("/my-actions").get_data(as_text=True)
    assert len(re.findall(ROW, html)) == 50
    rows, _ = shown_in(group_block(html, reminders.DUE_30))
    assert rows == due[:50 - len(dates)]  # the date requests take their few, the rest go to the big group
    assert shown_in(group_block(html, reminders.DATES_PENDING))[0] == dates
    link = re.search(r'<a href="([^"]+)">See all (\d+)', group_block(html, reminders.DUE_30))
    assert link and link.group(1) == "/my-actions/all?due=next30" and int(link.group(2)) == len(due)
    # The rest are on the filtered full list, each once, over two pages.
    everything = full_list(client, "due=next30")
    assert sorted(int(i) for i in re.findall(ROW, everything)) == sorted(due)
    assert 'aria-current="page"' in client.get("/my-actions/all?due=next30&page=2").get_data(as_text=True)


def test_rows_are_shared_fairly_among_the_groups():
    from sefton.workspace.rows import shares

    assert shares([0, 0, 280, 40]) == [0, 0, 25, 25]
    assert shares([0, 0, 280, 5]) == [0, 0, 45, 5]
    assert shares([3, 0, 7, 1]) == [3, 0, 7, 1]
    assert shares([100, 100, 100, 100]) == [13, 13, 12, 12]
    assert sum(shares([1000, 3, 1000, 1000])) == 50


# --- the full list, paged -------------------------------------------------------------------------

def visible_ids(code):
    """Sub-actions of the recommendations assigned to the organisation (its own and co-owners')."""
    assigned = select(recommendation_owners.c.recommendation_id).where(
        recommendation_owners.c.organisation_id == org(code).id)
    return set(db.session.scalars(select(SubAction.id).where(SubAction.recommendation_id.in_(assigned))))


def test_every_row_is_on_exactly_one_page_of_at_most_50(app, client, ahch):
    html = client.get("/my-actions/all").get_data(as_text=True)
    assert "Showing 1 to 50, page 1 of 3." in html
    assert '<a href="/my-actions/all" class="nhsuk-pagination__previous"' not in html
    ids = []
    for page in (1, 2, 3):
        html = client.get(f"/my-actions/all?page={page}").get_data(as_text=True)
        rows = [int(i) for i in re.findall(ROW, html)]
        assert 0 < len(rows) <= 50
        assert re.search(rf'aria-label="Page {page}"\s+aria-current="page"', html)
        ids += rows
    assert len(ids) == len(set(ids)) == len(visible_ids("ahch")) == 128
    # Plan order: section by section, recommendation by recommendation, across the pages.
    subs = {sa.id: sa for sa in db.session.scalars(select(SubAction).where(SubAction.id.in_(ids)))}
    order = [(subs[i].recommendation.section.number, subs[i].recommendation.position, subs[i].position) for i in ids]
    assert order == sorted(order)
    # A section and recommendation that go on from the page before say so.
    last_of_2 = subs[ids[99]]
    first_of_3 = subs[ids[100]]
    if last_of_2.recommendation_id == first_of_3.recommendation_id:
        assert f"Recommendation {first_of_3.recommendation.ref}</a> (continued)</h3>" in html
    assert html.count("(continued)") == (last_of_2.recommendation_id == first_of_3.recommendation_id) + (
        last_of_2.recommendation.section_id == first_of_3.recommendation.section_id)
    assert "(continued)" not in client.get("/my-actions/all").get_data(as_text=True)
    # The organisation's progress table below keeps its own first column ("first" is its parameter).
    assert re.search(r'id="progress-own".*?<th scope="col" class="nhsuk-table__header">Section</th>', html, re.S)
    # Long themes are shortened, the full text one click away.
    assert "Show the full theme" in html and re.search(r"<h2[^>]*>Section \d+: [^<]+…", html)


@pytest.mark.parametrize("page,status", [("4", 404), ("0", 404), ("9223372036854775808", 404),
                                         ("99999999999999999999999999", 404), ("abc", 400), ("-1", 400),
                                         ("1.5", 400), ("２", 400), ("", 200), ("1", 200), ("3", 200)])
def test_page_numbers_out_of_range_or_not_numbers(demo_client, demo_auth, page, status):
    demo_auth.login("ahch@demo.test")
    assert demo_client.get(f"/my-actions/all?page={page}").status_code == status


def test_filters_and_paging_together_keep_the_filter_in_every_link(app, client, ahch):
    scale.build(3)
    db.session.commit()
    html = client.get("/my-actions/all?status=grey").get_data(as_text=True)
    own_grey = int(re.search(r'data-count="grey">(\d+)<', html).group(1))
    assert own_grey > 50 and f"Sub-actions that are <strong>grey (not yet due)</strong>: {own_grey}." in html
    nxt = re.search(r'<a href="([^"]+)" class="nhsuk-pagination__next"', html).group(1)
    assert sorted(nxt.split("?")[1].split("&amp;")) == ["page=2", "status=grey"]
    everything = full_list(client, "status=grey")
    ids = [int(i) for i in re.findall(ROW, everything)]
    assert len(ids) == len(set(ids)) == own_grey


def test_the_new_due_dates_requested_filter(app, client, ahch):
    sa = own_sub_action()
    db.session.add(DueDateRequest(sub_action_id=sa.id, previous_due_on=sa.current_due_on,
                                  requested_due_on=dt.date(2019, 12, 31), reason="Board in December",
                                  status="pending", requested_on=TODAY, requested_by_id=user("ahch@demo.test").id))
    db.session.commit()
    html = client.get("/my-actions/all?status=date_requested").get_data(as_text=True)
    pending = set(db.session.scalars(select(DueDateRequest.sub_action_id).join(SubAction).where(
        DueDateRequest.status == "pending", SubAction.owner_id == org("ahch").id)))
    assert {int(i) for i in re.findall(ROW, html)} == pending and sa.id in pending
    assert f'data-count="date_requests">{len(pending)}<' in html
    assert '<option value="date_requested" selected>New due dates requested</option>' in html
    assert "New date requested: 31 December 2019" in html
    # The same sub-actions as the default view's group.
    mine = client.get("/my-actions").get_data(as_text=True)
    rows, above = shown_in(group_block(mine, reminders.DATES_PENDING))
    assert set(rows + above) == pending


def test_old_links_with_filters_land_on_the_full_list(demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    response = demo_client.get("/my-actions?status=returned&due=overdue")
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-actions/all?status=returned&due=overdue"


# --- links into My actions ------------------------------------------------------------------------

def test_links_from_the_panel_and_the_e_mails_land_on_the_row(app, client, ahch):
    make_overdue(own_sub_action())
    db.session.commit()
    member = user("ahch@demo.test")
    state = plan_state.load(TODAY, user=member, review_id=1)
    found = reminders.for_organisation(state, member.organisation_id)
    items = [i for category in found.values() for i in category]
    assert {i.category for i in items} >= {reminders.OVERDUE, reminders.DUE_7, reminders.DUE_30,
                                           reminders.DATES_PENDING, reminders.DECIDED}
    for item in items:
        endpoint, values, anchor = notify.item_target(item, "org")
        assert endpoint == "plan.sub_action" and values == {"sub_action_id": item.sub.id}
        page = client.get(f"/sub-actions/{item.sub.id}").get_data(as_text=True)
        row = re.search(rf'<tr [^>]*id="subaction-{item.sub.id}".*?</tr>', page, re.S).group(0)
        assert "Write a progress note" in row  # the row, with its controls
        assert "Add note" in page  # and the page's own plain forms
    with app.test_request_context():
        links = notify.Links("org")
        assert links.row(items[0].sub.id).endswith(f"/sub-actions/{items[0].sub.id}")
        # "See all" of each category: the filtered full list, which holds the item's row.
        for category in (reminders.OVERDUE, reminders.DUE_7, reminders.DUE_30, reminders.DATES_PENDING):
            more = links.more(category)
            path = more[more.index("/my-actions"):]
            html = full_list(client, path.split("?", 1)[1])
            for item in found[category]:
                assert f'id="subaction-{item.sub.id}"' in html, (category, item.sub.ref)
    # The panel on the dashboard links to the rows' own pages.
    dashboard = client.get("/").get_data(as_text=True)
    assert f'href="/sub-actions/{found[reminders.OVERDUE][0].sub.id}"' in dashboard
    assert "/my-actions#subaction-" not in dashboard


def test_a_plain_form_from_a_later_page_comes_back_to_that_page(app, client, ahch):
    from test_workspace import send

    html = client.get("/my-actions/all?page=3").get_data(as_text=True)
    sa_id = next(int(i) for i in re.findall(ROW, html)
                 if db.session.get(SubAction, int(i)).owner_id == org("ahch").id)
    assert 'name="next" value="/my-actions/all?page=3"' in html
    sa = db.session.get(SubAction, sa_id)
    response = send(client, f"/sub-actions/{sa_id}/notes", {"body": "Checked.", "version": sa.version,
                                                           "next": "/my-actions/all?page=3"},
                    htmx=False, token=ahch.token("/my-actions/all?page=3"))
    assert response.headers["Location"] == f"/my-actions/all?page=3#subaction-{sa_id}"
    assert f'id="subaction-{sa_id}"' in client.get("/my-actions/all?page=3").get_data(as_text=True)


# --- scoping ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["ahch", "lwh", "ss-ccg"])
def test_no_row_of_a_recommendation_not_assigned_to_the_organisation(app, client, code):
    Auth(client).login(f"{code}@demo.test")
    everything = full_list(client)
    assert {int(i) for i in re.findall(ROW, everything)} == visible_ids(code)
    mine = client.get("/my-actions").get_data(as_text=True)
    assert {int(i) for i in re.findall(ROW, mine)} <= {
        sa.id for sa in db.session.scalars(select(SubAction).where(SubAction.owner_id == org(code).id))}
    for status in ("date_requested", "returned", "submitted"):
        html = full_list(client, f"status={status}")
        owners = {db.session.get(SubAction, int(i)).owner_id for i in re.findall(ROW, html)}
        assert owners <= {org(code).id}


def test_recommendations_on_a_page_are_only_those_of_its_rows(app, client, ahch):
    html = client.get("/my-actions/all?page=2").get_data(as_text=True)
    recs = {int(i) for i in re.findall(r'id="rec-(\d+)-title"', html)}
    rows = {int(i) for i in re.findall(ROW, html)}
    assert recs == {db.session.get(SubAction, i).recommendation_id for i in rows}
    assert all(db.session.get(Recommendation, r) for r in recs)


def test_marking_a_decision_seen_on_my_actions_redraws_the_panel_for_that_page(app, client, ahch):
    """With htmx the panel comes back as My actions shows it: the decisions, not the groups' items."""
    from sefton.notifications.panel import items_for

    with app.test_request_context():
        decided = items_for(user("ahch@demo.test"), db.session.scalar(select(Review)), TODAY)[reminders.DECIDED]
    token = ahch.token("/my-actions")
    for next_page, groups_in_panel in (("/my-actions", False), ("/", True)):
        key = decided.pop(0).key
        response = client.post("/attention/seen", data={"item_key": key, "next": next_page},
                               headers={"HX-Request": "true", "X-CSRFToken": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and f'data-key="{key}"' not in html
        assert 'data-category="decided"' in html
        assert bool(re.search(r'data-category="due_(7|30)"', html)) == groups_in_panel


def test_any_page_or_filter_value_answers_without_a_server_error(demo_client, demo_auth):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    demo_auth.login("ahch@demo.test")

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
    @given(page=st.text(max_size=25) | st.integers().map(str), status=st.text(max_size=15),
           due=st.sampled_from(["", "overdue", "next30", "x"]))
    def check(page, status, due):
        response = demo_client.get("/my-actions/all", query_string={"page": page, "status": status, "due": due})
        assert response.status_code in (200, 400, 404), (page, status, due)

    check()
