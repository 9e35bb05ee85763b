"""WSGI entry point for production servers, e.g. `gunicorn wsgi:app` or `waitress-serve wsgi:app`."""
from footprint import create_app

app = create_app()
