"""Benchmark: the Sefton "Updated action plan" PDF against a plain WeasyPrint table, and its cache.

    .venv/bin/python scripts/bench_pdf.py [--runs 7] [--untagged]

Builds the demo in a temporary SQLite file (through the migrations and sefton.demo.load, in a
child process so that it does not count in this one's memory), loads the plan as the demo admin
sees it, then, in the same run:
- renders the full plan PDF `--runs` times (loading the plan, the HTML and the PDF);
- renders a plain, unstyled WeasyPrint table of the same rows (one per recommendation and one per
  sub-action) and the same seven columns, `--runs` times;
- prints both medians and their ratio (target: the plan no slower than the plain table), the peak
  memory of the plan renders (target: within 200 MB), and the p95 of a repeat download served from
  the cache through the app (target: within 100 ms).
Peak memory is the growth of the process's peak resident set size (ru_maxrss, WeasyPrint's native
libraries included) from before the first render, and the peak of Python allocations in one render
(tracemalloc).
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--untagged", action="store_true", help="render without PDF/UA tags")
    parser.add_argument("--build", metavar="DB", help=argparse.SUPPRESS)  # internal: build the demo there
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select
    from weasyprint import HTML

    from sefton import create_app, dates, demo
    from sefton.extensions import db
    from sefton.models import User
    from sefton.reports import data, pdf
    from sefton.web import current_review

    def make_app(path):
        return create_app({"TESTING": True, "SEFTON_DEMO": True, "SEFTON_TODAY": "2019-04-01",
                           "SEFTON_DATABASE_URL": f"sqlite:///{path}", "SEFTON_SECRET_KEY": "bench",
                           "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})

    if args.build:
        with make_app(args.build).app_context():
            upgrade()
            demo.load()
        return

    with tempfile.TemporaryDirectory() as tmp:
        # The demo is built in a child process, so that this process's peak memory is the render's.
        subprocess.run([sys.executable, os.path.abspath(__file__), "--build", f"{tmp}/bench.db"], check=True,
                       stderr=subprocess.DEVNULL)
        app = make_app(f"{tmp}/bench.db")
        with app.test_request_context():  # templates use the request's context processors
            admin = db.session.scalar(select(User).where(User.email == "admin@demo.test"))
            review = current_review()
            as_at = dates.today()

            def render():
                db.session.expire_all()
                c0 = time.process_time()
                t0 = time.perf_counter()
                plan = data.load_plan(admin, review, as_at)
                html = pdf.plan_html(plan)
                t1 = time.perf_counter()
                out = pdf.html_to_pdf(html, tagged=not args.untagged)
                t2 = time.perf_counter()
                cpu.append(time.process_time() - c0)
                return out, t2 - t0, t2 - t1, len(plan.items)

            def plain():
                db.session.expire_all()
                t0 = time.perf_counter()
                plan = data.load_plan(admin, review, as_at)
                html = plain_table(plan)
                out = HTML(string=html).write_pdf()
                return time.perf_counter() - t0, len(out)

            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            totals, weasy, cpu = [], [], []
            for _ in range(args.runs):
                out, total, w, rows = render()
                totals.append(total)
                weasy.append(w)
            rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            render()
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            plains = [plain()[0] for _ in range(args.runs)]

        cached = cached_p95(app)

    plan_median, plain_median = statistics.median(totals), statistics.median(plains)
    print(f"Sefton updated action plan: {rows} sub-action rows, {len(out) / 1024:.0f} KiB PDF, "
          f"{'untagged' if args.untagged else 'tagged (PDF/UA-1)'}, {args.runs} runs each")
    print(f"plan: median {plan_median:.2f} s per render (min {min(totals):.2f} s, max {max(totals):.2f} s); "
          f"WeasyPrint alone {statistics.median(weasy):.2f} s; median CPU time {statistics.median(cpu[:args.runs]):.2f} s")
    print(f"plain unstyled table of the same rows and columns: median {plain_median:.2f} s "
          f"(min {min(plains):.2f} s, max {max(plains):.2f} s)")
    print(f"ratio plan / plain table: {plan_median / plain_median:.2f} (target: at most 1.00)")
    from weasyprint.text.ffi import harfbuzz_subset
    subsetter = "HarfBuzz-Subset" if harfbuzz_subset else "fontTools (install libharfbuzz-subset0: faster)"
    print(f"font subsetting: {subsetter}")
    print(f"peak memory of the plan renders: +{(rss_peak - rss_before) / 1024:.0f} MB peak RSS growth "
          f"(process peak {rss_peak / 1024:.0f} MB; target within 200 MB); "
          f"{traced_peak / 2**20:.0f} MB peak Python allocations in one render (tracemalloc)")
    print(f"repeat download from the cache (GET /reports/plan.pdf, {cached[1]} requests): "
          f"p95 {cached[0] * 1000:.0f} ms (target: within 100 ms)")
    if os.path.exists("/proc/loadavg"):
        print(f"load average: {open('/proc/loadavg').read().split()[0:3]}")


COLUMNS = ["Ref", "Action", "Owner", "Lead", "Due", "Progress and evidence", "Status"]


def plain_table(plan) -> str:
    """The plan's rows and columns as one plain HTML table, no stylesheet: the baseline."""
    from markupsafe import escape

    rows = ["<tr>" + "".join(f"<th>{c}</th>" for c in COLUMNS) + "</tr>"]
    for s in plan.sections:
        for g in s.recs:
            rows.append(f"<tr><td>{s.section.number}.{g.rec.position}</td><td>{escape(g.rec.text)}</td>"
                        f"<td>{escape(', '.join(o.short_name for o in g.rec.owners))}</td><td></td><td></td>"
                        f"<td></td><td>{g.colour}</td></tr>")
            for i in g.items:
                sa = i.sub_action
                progress = "; ".join([*(f"{i.note.noted_on}: {i.note.body}" for _ in [0] if i.note),
                                      *(f"Evidence accepted {e.decided_on}: {e.description}" for e in i.evidence)])
                due = f"{sa.original_due_on}" + (f" revised {i.due_on}" if i.revised else "")
                rows.append(f"<tr><td>{sa.ref}</td><td>{escape(sa.text)}</td><td>{escape(sa.owner.short_name)}</td>"
                            f"<td>{escape(sa.lead_name)}</td><td>{due}</td><td>{escape(progress)}</td>"
                            f"<td>{i.colour}</td></tr>")
    return "<!doctype html><html lang=en><body><table>" + "".join(rows) + "</table></body></html>"


def cached_p95(app, requests=20):
    """p95 seconds of a repeat download of the whole plan's PDF through the app (served from the cache)."""
    client = app.test_client()
    client.post("/login", data={"email": "admin@demo.test", "password": "sefton-demo-2019"})
    assert client.get("/reports/plan.pdf").status_code == 200  # rendered and cached
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get("/reports/plan.pdf")
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    return statistics.quantiles(times, n=20)[-1], requests


if __name__ == "__main__":
    main()
