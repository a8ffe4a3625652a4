"""Benchmark: importing a 10,000-sub-action workbook through the web flow's functions.

    .venv/bin/python scripts/bench_import.py [--sub-actions 10000] [--database-url URL] [--office]

Builds the demo (through the migrations and sefton.demo.load) in a temporary SQLite file, or in the
PostgreSQL database given with --database-url (its content is REPLACED: give a scratch database),
adds an empty review (code BENCH-2019) and generates a workbook with the export's columns: the
demo's plan over and over (sections 1-15, 16-30, ...), cut at --sub-actions rows. Then it times,
through sefton.plan.importing.service (what /admin/import calls):

- upload: the file read and stored (PendingImport);
- preview: the file re-read and parsed against the review (10,000 rows to add);
- apply: the same, then every section, recommendation, sub-action and audit event written and committed;
- re-import preview: the same file against the plan that now holds it (no changes).

and prints each time and the process's peak memory (RSS) after each step.

With --office the workbook is one as a Task & Finish office keeps it, in three sheets: a title and a
subtitle over a merged two-row header ("Responsibility" over Owner / Lead, "Timescale" over Original /
Revised), headings the tracker maps by synonym (Area, Recommendation, Action, RAG, Update), dates as
offices write them (30.09.19, Q2 2019, end of June 2019, TBC), organisation names as they write them,
and a fifth of the rows painted green with no status. The Map step (the mapping found and saved) is
timed before the preview; Apply brings in the office's record (accepted before the tracker, notes).
"""
import argparse
import datetime as dt
import io
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build(url):
    from flask_migrate import upgrade

    from sefton import create_app, demo

    config = {"TESTING": True, "SEFTON_DEMO": True, "SEFTON_TODAY": "2019-04-01", "SEFTON_DATABASE_URL": url,
              "SEFTON_SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    app = create_app(config)
    with app.app_context():
        upgrade()
        demo.load()
    return app


def workbook(review_code, sub_actions):
    """The demo's plan as export rows, repeated with sections renumbered, cut at `sub_actions` rows."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from sefton.extensions import db
    from sefton.models import Section
    from sefton.reports.excel import ROW_COLUMNS

    wb = Workbook()  # as the export writes it (a write-only workbook has no <dimension>: openpyxl reads it twice)
    ws = wb.active
    ws.title = "Sub-actions"
    ws.append(ROW_COLUMNS)
    sections = list(db.session.scalars(select(Section).where(Section.review_id == 1).order_by(Section.number)))
    written, copy = 0, 0
    while written < sub_actions:
        for section in sections:
            number = copy * len(sections) + section.number
            for rec in section.recommendations:
                owners = "; ".join(o.short_name for o in rec.owners)
                for sa in rec.sub_actions:
                    if written == sub_actions:
                        break
                    ws.append([review_code, number, section.title, f"{number}.{rec.position}", rec.text, owners,
                               f"{number}.{rec.position}.{sa.position}", sa.text, sa.owner.name, sa.lead_name,
                               sa.original_due_on, None, "", "", "", None, "", None, ""])
                    written += 1
        copy += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), copy


def office_workbook(sub_actions):
    """The demo's plan as an office keeps it (see the module docstring), in three sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from sqlalchemy import select

    from sefton.extensions import db
    from sefton.models import Section

    names = {"ahch": "Alder Hey Children's", "s-and-o": "Southport & Ormskirk", "nwbh": "North West Boroughs",
             "lwh": "Liverpool Women's NHS FT", "mersey-care": "Mersey Care", "ss-ccg": "NHS South Sefton CCG",
             "sf-ccg": "Southport and Formby CCG", "sefton-council": "Sefton Council", "addaction": "Addaction"}
    dates = ["30.09.19", "Q2 2019", "end of June 2019", "TBC", dt.date(2019, 7, 4), "31/03/2020"]
    green = PatternFill("solid", fgColor="00B050")
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [wb.create_sheet(f"Part {n}") for n in (1, 2, 3)]
    for ws in sheets:
        ws.append(["Sefton CLAS action plan (benchmark)"])
        ws.append(["Kept by the Task & Finish office"])
        ws.append(["Ref", "Area", "Recommendation", "Action", "Responsibility", None, "Timescale", None, "RAG",
                   "Update", "Update date"])
        ws.append([None, None, None, None, "Owner", "Lead", "Original", "Revised"])
        for cells in ("A1:H1", "A2:H2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3", "G3:H3", "I3:I4", "J3:J4",
                      "K3:K4"):
            ws.merge_cells(cells)
    sections = list(db.session.scalars(select(Section).where(Section.review_id == 1).order_by(Section.number)))
    written, copy = 0, 0
    while written < sub_actions:
        for section in sections:
            number = copy * len(sections) + section.number
            ws = sheets[min(2, (number - 1) * 3 // max(1, (sub_actions // 245 + 1) * len(sections)))]
            for rec in section.recommendations:
                for sa in rec.sub_actions:
                    if written == sub_actions:
                        break
                    painted = written % 5 == 0
                    ws.append([f"{number}.{rec.position}.{sa.position}", section.title, rec.text, sa.text,
                               names[sa.owner.code], sa.lead_name, dates[written % len(dates)], None, None,
                               f"Update {written}" if written % 3 == 0 else None,
                               "01/03/2019" if written % 3 == 0 else None])
                    if painted:
                        for cell in ws[ws.max_row]:
                            cell.fill = green
                    written += 1
        copy += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), copy


class Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self):
        return f"{self.wall:.2f} s (CPU {self.cpu:.2f} s)"


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sub-actions", type=int, default=10_000)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (its content is replaced)")
    parser.add_argument("--office", action="store_true", help="a workbook as an office keeps it (see above)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        app = build(url)
        from sqlalchemy import func, select

        from sefton.extensions import db
        from sefton.models import AuditEvent, Review, SubAction, User
        from sefton.plan.importing import service as importing

        with app.app_context():
            admin = db.session.scalar(select(User).where(User.email == "admin@demo.test"))
            review = Review(title="Benchmark review", body="Care Quality Commission", area="Sefton",
                            on_site_from=dt.date(2019, 1, 7), on_site_to=dt.date(2019, 1, 11),
                            published_on=dt.date(2019, 3, 1), plan_due_on=dt.date(2019, 9, 1), code="BENCH-2019")
            db.session.add(review)
            db.session.commit()
            data, copies = (office_workbook(args.sub_actions) if args.office
                            else workbook(review.code, args.sub_actions))
            ids = admin.id, review.id
            db.session.expunge_all()  # start from a clean session, as a request does
            admin, review = db.session.get(User, ids[0]), db.session.get(Review, ids[1])
            print(f"database: {db.engine.url.get_backend_name()}; workbook: {args.sub_actions:,} sub-actions "
                  f"(the demo plan {copies} times over, cut), {len(data) / 1024 / 1024:.1f} MB")
            print(f"before: peak RSS {peak_mb():.0f} MB")

            with Timer() as t:
                pending = importing.store(review, admin, "bench.xlsx", data)
                db.session.commit()
            pending_id = pending.id
            print(f"upload (store): {t}")

            if args.office:
                with Timer() as t:  # the Map page: the header and mapping found, then saved as the admin would
                    book, lay = importing.layout(pending, review)
                    settings = {"sheets": [s.name for s in lay.sheets], "state_on": "2019-03-31",
                                "columns": {str(i): f for i, f in lay.mapping.items()}}
                    importing.save_map(pending, review, admin, settings, lay.headings)
                    db.session.commit()
                print(f"map: {t}  (sheets {', '.join(s.name for s in lay.sheets)}; headings in row "
                      f"{lay.headers[lay.sheets[0].name].row}; {len(lay.mapping)} columns mapped); "
                      f"peak RSS {peak_mb():.0f} MB")

            with Timer() as t:
                plan = importing.preview(pending, review, whole_plan=False)
            counts = plan.counts()
            print(f"preview: {t}  ({counts['added']:,} sub-actions, "
                  f"{counts['added_recommendations']:,} recommendations, {counts['added_sections']:,} sections "
                  f"to add; {counts['accepted_before']:,} accepted before the tracker, {counts['notes']:,} notes; "
                  f"{counts['errors']} problems); peak RSS {peak_mb():.0f} MB")
            if plan.unknown:  # "Treat it as…": the admin teaches the names once, and the preview runs again
                from sefton.models import Organisation

                for unknown in plan.unknown:
                    code = {"North West Boroughs": "nwbh"}[unknown.text]
                    importing.add_alias(db.session.scalar(select(Organisation).where(Organisation.code == code)),
                                        unknown.text, admin)
                db.session.commit()
                with Timer() as t:
                    plan = importing.preview(pending, review, whole_plan=False)
                counts = plan.counts()
                print(f"preview after \"Treat it as…\" ({', '.join(u.text for u in plan.unknown) or 'no name left'}): "
                      f"{t}  ({counts['added']:,} sub-actions to add; {counts['accepted_before']:,} accepted before "
                      f"the tracker, {counts['notes']:,} notes; {counts['errors']} problems); peak RSS {peak_mb():.0f} MB")
            assert not plan.errors, [str(e)[:200] for e in plan.errors[:5]]

            with Timer() as t:
                importing.apply(pending, review, admin, False, plan.digest())
                db.session.commit()
            print(f"apply: {t}; peak RSS {peak_mb():.0f} MB")
            total = db.session.scalar(select(func.count()).select_from(SubAction))
            events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.review_id == review.id))
            print(f"  sub-actions in the database: {total:,}; audit events of the review: {events:,}")

            db.session.expunge_all()
            admin, review = db.session.get(User, ids[0]), db.session.get(Review, ids[1])
            again = importing.store(review, admin, "bench.xlsx", data)
            again.settings = db.session.get(type(again), pending_id).settings
            db.session.commit()
            with Timer() as t:
                plan = importing.preview(again, review, whole_plan=False)
            print(f"re-import preview: {t}  (nothing to do: {plan.nothing_to_do}); "
                  f"peak RSS {peak_mb():.0f} MB")
            db.engine.dispose()


if __name__ == "__main__":
    main()
