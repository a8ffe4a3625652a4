"""Benchmark: render the full Sefton "Updated action plan" PDF and report time and memory.

    .venv/bin/python scripts/bench_pdf.py [--runs 5] [--untagged]

Builds the demo in a temporary SQLite file (through the migrations and sefton.demo.load, in a
child process so that it does not count in this one's memory), loads
the plan as the demo admin sees it, then renders the PDF several times. Reports:
- the median wall time of a whole render (loading the plan, the HTML and the PDF) and of the
  WeasyPrint step alone;
- peak memory as the growth of the process's peak resident set size (resource.getrusage
  ru_maxrss, which includes WeasyPrint's native libraries) from before the first render, and the
  peak of Python allocations during one render measured separately with tracemalloc.
Target on these machines: under 1.5 s and 150 MB.

It also says which font subsetter WeasyPrint used: without the system's HarfBuzz-Subset library
(Debian: libharfbuzz-subset0) it falls back to fontTools, about 0.3 s slower per render here.
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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--untagged", action="store_true", help="render without PDF/UA tags")
    parser.add_argument("--build", metavar="DB", help=argparse.SUPPRESS)  # internal: build the demo there
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from sefton import create_app, dates, demo
    from sefton.extensions import db
    from sefton.models import User
    from sefton.reports import data, pdf
    from sefton.web import current_review

    def make_app(path):
        return create_app({"TESTING": True, "SEFTON_DEMO": True, "SEFTON_TODAY": "2019-04-01",
                           "SEFTON_DATABASE_URL": f"sqlite:///{path}", "SEFTON_SECRET_KEY": "bench"})

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

    print(f"Sefton updated action plan: {rows} sub-action rows, {len(out) / 1024:.0f} KiB PDF, "
          f"{'untagged' if args.untagged else 'tagged (PDF/UA-1)'}, {args.runs} runs")
    print(f"median time per render: {statistics.median(totals):.2f} s "
          f"(min {min(totals):.2f} s, max {max(totals):.2f} s); WeasyPrint alone {statistics.median(weasy):.2f} s; "
          f"median CPU time {statistics.median(cpu[:args.runs]):.2f} s (less affected by other load on the machine)")
    from weasyprint.text.ffi import harfbuzz_subset
    subsetter = "HarfBuzz-Subset" if harfbuzz_subset else "fontTools (install libharfbuzz-subset0: faster)"
    print(f"font subsetting: {subsetter}")
    print(f"peak memory: +{(rss_peak - rss_before) / 1024:.0f} MB peak RSS growth over the runs "
          f"(ru_maxrss delta; process peak {rss_peak / 1024:.0f} MB); "
          f"{traced_peak / 2**20:.0f} MB peak Python allocations in one render (tracemalloc)")


if __name__ == "__main__":
    main()
