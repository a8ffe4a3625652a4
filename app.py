"""Entry point: `flask --app app run` and `gunicorn app:app` both use this module."""
import gc

from sefton import create_app

app = create_app()

# What the app loads at start (modules, functions, configuration: about 180,000 objects) lives as
# long as the process. Frozen out of the cycle collector's reach (gc.freeze), a full collection no
# longer walks it each time: that took about 105 ms on a 2-core machine and came every 15 or so
# requests of a busy page (the review queue at 40 times the plan: p95 203 ms, 84 once frozen;
# scripts/bench_pages.py). Objects are still freed as usual; gunicorn workers each import this.
gc.freeze()
