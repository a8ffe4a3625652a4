"""Benchmark: the main pages over the plan many times over, on one worker.

    .venv/bin/python scripts/bench_pages.py [--factor 40] [--requests 20] [--database-url URL] [--pages TEXT]

Builds the demo scaled `factor` times (sefton.demo.scale, as `flask --app app scale-demo` does: every
count of the progress table `factor` times the deck's) in a temporary SQLite file, or in the
PostgreSQL database given with --database-url (its content is REPLACED: give a scratch database).
Then, through the Flask test client (one worker, no network), signs in as each page's user with the
real form and requests each page `requests` times after one warm-up request, and prints per page:
the median and 95th percentile in milliseconds, the number of SQL statements of one request, the
size of the HTML and its number of elements. Target (issue 12): every page p95 within 100 ms.
--pages TEXT: only the pages whose label contains TEXT (any case; several separated by commas),
e.g. --pages "my actions,dashboard".
"""
import argparse
import gc
import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PASSWORD = "sefton-demo-2019"
# (label, user, path); {section} is the last section of the scaled plan, {rec}/{sub}/{submission} found in it.
PAGES = [
    ("Dashboard (organisation)", "ahch@demo.test", "/"),
    ("My actions (Alder Hey)", "ahch@demo.test", "/my-actions"),
    ("My actions, all, page 1", "ahch@demo.test", "/my-actions/all"),
    ("My actions, all, page 3", "ahch@demo.test", "/my-actions/all?page=3"),
    ("My actions, all, grey, next 30", "ahch@demo.test", "/my-actions/all?status=grey&due=next30"),
    ("Section 15", "viewer@demo.test", "/sections/{section15}"),
    ("Last section", "viewer@demo.test", "/sections/{last_section}"),
    ("Recommendation", "viewer@demo.test", "/recommendations/{rec}"),
    ("Sub-action", "viewer@demo.test", "/sub-actions/{sub}"),
    ("Review queue", "reviewer@demo.test", "/review"),
    ("Decision page", "reviewer@demo.test", "/review/submissions/{submission}"),
    ("Flagged for Public Health", "viewer@demo.test", "/flagged"),
    ("Reports", "admin@demo.test", "/reports/"),
    ("Meeting pack page", "admin@demo.test", "/reports/meeting-pack?since=1 March 2019"),
    ("Dashboard (admin)", "admin@demo.test", "/"),
    ("Administration", "admin@demo.test", "/admin/"),
    ("Audit log", "admin@demo.test", "/admin/audit"),
]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=40)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (its content is replaced)")
    parser.add_argument("--pages", default="", help="only the pages whose label contains this text")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import event, func, select

    from sefton import create_app, demo
    from sefton.demo import scale
    from sefton.extensions import db
    from sefton.models import EvidenceSubmission, Recommendation, Section, SubAction

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        app = create_app({"TESTING": True, "SEFTON_DEMO": True, "SEFTON_TODAY": "2019-04-01",
                          "SEFTON_DATABASE_URL": url, "SEFTON_SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        t0 = time.perf_counter()
        with app.app_context():
            upgrade()
            demo.load(force=True)
            scale.build(args.factor)
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                # Statistics for the planner, as autovacuum would gather them on a database in use:
                # without them the plans for a table just bulk-loaded are guesses.
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("ANALYZE")
            count = db.session.scalar(select(func.count(SubAction.id)))
            last = db.session.scalar(select(func.max(Section.number)))
            ids = {
                "section15": db.session.scalar(select(Section.id).where(Section.number == 15)),
                "last_section": db.session.scalar(select(Section.id).where(Section.number == last)),
                "rec": db.session.scalar(select(Recommendation.id).join(Section).where(Section.number == last)
                                         .order_by(Recommendation.position)),
                "sub": db.session.scalar(select(SubAction.id).join(Recommendation).join(Section)
                                         .where(Section.number == last).order_by(SubAction.id)),
                "submission": db.session.scalar(
                    select(EvidenceSubmission.id).join(SubAction).where(EvidenceSubmission.status == "pending")
                    .order_by(EvidenceSubmission.id.desc())),
            }
            engine = db.engine
        # As app.py does at start (the entry point of `flask run` and gunicorn): what is loaded so
        # far is moved out of the cycle collector's reach.
        gc.collect()
        gc.freeze()
        print(f"Plan {args.factor} times the deck's: {count} sub-actions in {last} sections "
              f"(built in {time.perf_counter() - t0:.0f} s), {url.split(':', 1)[0]}, {args.requests} requests a page")

        statements = []
        event.listen(engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
        clients = {}
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'SQL':>5} {'KB':>7} {'elements':>9}")
        worst = 0
        for label, user, path in PAGES:
            if not any(part.strip().lower() in label.lower() for part in args.pages.split(",")):
                continue
            path = path.format(**ids)
            client = clients.get(user)
            if client is None:
                client = clients[user] = app.test_client()
                response = client.post("/login", data={"email": user, "password": PASSWORD})
                assert response.status_code == 302, f"sign-in as {user} failed"
            response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            statements.clear()
            client.get(path)
            queries = len(statements)
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - start)
            html = response.get_data(as_text=True)
            elements = len(re.findall(r"<[a-zA-Z]", html))
            p95 = percentile(times, 95) * 1000
            worst = max(worst, p95)
            print(f"{label:32} {statistics.median(times) * 1000:10.0f} {p95:8.0f} {queries:5d} "
                  f"{len(html.encode()) / 1024:7.0f} {elements:9d}")
        print(f"worst p95 {worst:.0f} ms (target: every page within 100 ms)")
        if os.path.exists("/proc/loadavg"):
            print(f"load average: {open('/proc/loadavg').read().split()[0:3]}")


if __name__ == "__main__":
    main()
