"""Benchmark: importing a 10,000-sub-action workbook through the web flow's functions.

    .venv/bin/python scripts/bench_import.py [--sub-actions 10000] [--database-url URL]

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
            data, copies = workbook(review.code, args.sub_actions)
            ids = admin.id, review.id
            db.session.expunge_all()  # start from a clean session, as a request does
            admin, review = db.session.get(User, ids[0]), db.session.get(Review, ids[1])
            print(f"database: {db.engine.url.get_backend_name()}; workbook: {args.sub_actions:,} sub-actions "
                  f"(the demo plan {copies} times over, cut), {len(data) / 1024 / 1024:.1f} MB")
            print(f"before: peak RSS {peak_mb():.0f} MB")

            with Timer() as t:
                pending = importing.store(review, admin, "bench.xlsx", data)
                db.session.commit()
            print(f"upload (store): {t}")

            with Timer() as t:
                plan = importing.preview(pending, review, whole_plan=False)
            counts = plan.counts()
            print(f"preview: {t}  ({counts['added']:,} sub-actions, "
                  f"{counts['added_recommendations']:,} recommendations, {counts['added_sections']:,} sections "
                  f"to add; {counts['errors']} problems); peak RSS {peak_mb():.0f} MB")
            assert not plan.errors, plan.errors[:5]

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
            db.session.commit()
            with Timer() as t:
                plan = importing.preview(again, review, whole_plan=False)
            print(f"re-import preview: {t}  (nothing to do: {plan.nothing_to_do}); "
                  f"peak RSS {peak_mb():.0f} MB")
            db.engine.dispose()


if __name__ == "__main__":
    main()
