"""Benchmark: the daily reminder run for 500 users over the plan 40 times over.

    .venv/bin/python scripts/bench_reminders.py [--factor 40] [--users 500] [--database-url URL]

Builds the demo (through the migrations) in a temporary SQLite file, or in the PostgreSQL database
given with --database-url (its content is REPLACED: give a scratch database), makes the plan
`factor` times over with sefton.demo.scale (about 9,800 sub-actions at 40) and `users` accounts across
the organisations, then times `sefton.notifications.digests.run` for Monday 1 April 2019 (the office's weekly
summary included) and its commit, counting the SQL statements sent (a before_cursor_execute
event) and the e-mails written. Then runs the same day again (nothing new: dedupe keys). Target:
within 30 s, and a number of statements that does not grow with the number of sub-actions.
"""
import argparse
import datetime as dt
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MONDAY = dt.date(2019, 4, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=40)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import event, func, select

    from sefton import create_app, demo
    from sefton.demo import scale
    from sefton.extensions import db
    from sefton.models import OutboxMessage, SubAction, User
    from sefton.notifications import digests

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{os.path.join(tmp.name, 'bench.db')}"
    app = create_app({"TESTING": True, "SEFTON_DEMO": True, "SEFTON_TODAY": MONDAY.isoformat(),
                      "SEFTON_DATABASE_URL": url, "SEFTON_SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        demo.load(force=True)
        started = time.perf_counter()
        scale.build(args.factor, users=args.users)
        db.session.commit()
        n_sub = db.session.scalar(select(func.count(SubAction.id)))
        n_users = db.session.scalar(select(func.count(User.id)))
        print(f"built: {n_sub} sub-actions, {n_users} users in {time.perf_counter() - started:.1f} s "
              f"({db.engine.dialect.name})")

        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for label in ("first run", "same day again"):
            db.session.expunge_all()
            statements.clear()
            started, cpu = time.perf_counter(), time.process_time()
            result = digests.run(MONDAY)
            db.session.commit()
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            inserts = sum(1 for s in statements if s.lstrip().upper().startswith("INSERT"))
            print(f"{label}: {took:.2f} s ({cpu:.2f} s CPU in this process), {result.written} e-mails written, {len(statements)} SQL statements "
                  f"({inserts} INSERT, {len(statements) - inserts} other) for {n_users} users")
        total = db.session.scalar(select(func.count(OutboxMessage.id)))
        print(f"outbox: {total} messages")
        db.engine.dispose()


if __name__ == "__main__":
    main()
