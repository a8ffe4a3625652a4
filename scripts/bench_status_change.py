"""Benchmark: the round-trip time of a status change through the whole app, as htmx sends it.

    .venv/bin/python scripts/bench_status_change.py [--rounds 300] [--database-url URL]

Builds the demo (through the migrations and sefton.demo.load) in a temporary SQLite file, or in
the PostgreSQL database given with --database-url (its content is REPLACED by the demo: give a
scratch database), signs in as ahch@demo.test through the real form, then times, through the
Flask test client with CSRF on, `rounds` pairs of status changes on one sub-action:
submit evidence (a small PDF, multipart, the row and the out-of-band counts and progress table
rendered) and withdraw it again; and as many progress notes. Each request carries the version
of the row from the previous answer, as the page does. Prints the median and 95th percentile in
milliseconds of each kind of request.
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def build(url):
    from flask_migrate import upgrade

    from sefton import create_app, demo

    config = {"TESTING": True, "SEFTON_DEMO": True, "SEFTON_TODAY": "2019-04-01", "SEFTON_DATABASE_URL": url,
              "SEFTON_SECRET_KEY": "bench", "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False}
    app = create_app(config)
    with app.app_context():
        upgrade()
        demo.load()
    return app


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (its content is replaced)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        app = build(url)
        from sqlalchemy import select

        from sefton.extensions import db
        from sefton.models import Organisation, SubAction

        with app.app_context():
            org_id = db.session.scalar(select(Organisation.id).where(Organisation.code == "ahch"))
            sa = db.session.scalars(select(SubAction).where(SubAction.owner_id == org_id, SubAction.state == "open")
                                    .order_by(SubAction.id)).first()
            sa_id, version = sa.id, sa.version
            db.session.remove()

        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": "ahch@demo.test", "password": "sefton-demo-2019", "csrf_token": token})
        page = client.get("/my-actions").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        headers = {"HX-Request": "true", "X-CSRFToken": token}

        def post(path, data, **kwargs):
            nonlocal version
            start = time.perf_counter()
            response = client.post(f"/sub-actions/{sa_id}/{path}", data={**data, "version": version},
                                   headers=headers, **kwargs)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
            version = int(re.search(r'name="version" value="(\d+)"', response.get_data(as_text=True)).group(1))
            return elapsed

        import io

        timings = {"submit evidence": [], "withdraw submission": [], "add note": []}
        for i in range(args.rounds):
            timings["submit evidence"].append(post(
                "evidence", {"description": f"Minutes {i}", "files": [(io.BytesIO(PDF), "minutes.pdf")]},
                content_type="multipart/form-data"))
            timings["withdraw submission"].append(post("withdraw", {}))
            timings["add note"].append(post("notes", {"body": f"Progress {i}"}))

        kind = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{kind}, {args.rounds} rounds, sub-action {sa_id}, Flask test client with CSRF on (htmx requests)")
        every = [t for values in timings.values() for t in values]
        for name, values in [*timings.items(), ("all status changes", every)]:
            print(f"  {name:22s} median {statistics.median(values):6.1f} ms   p95 {percentile(values, 95):6.1f} ms"
                  f"   (n={len(values)})")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
