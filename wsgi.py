"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app` (instance folder: LMS_INSTANCE_PATH)."""
from lms import create_app

app = create_app()
