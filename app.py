"""Entry point: `flask --app app run` and `gunicorn app:app` both use this module."""
from sefton import create_app

app = create_app()
