"""The fixed stack's floor for bench/overhead.py: Flask + Flask-SQLAlchemy doing only the API's indexed lookup.

Reads Rawat's own certificates table (DATABASE_URL) through a minimal mapping and answers a small JSON,
with none of Rawat's hooks (log line, rate limit, security headers, gzip, locale, signature status).
What the certificate API costs above this is Rawat's own; what this costs above bare_app is the stack's.
"""
import os

from flask import Flask, abort, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Certificate(db.Model):
    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32))
    holder_name: Mapped[str]
    course_title: Mapped[str]
    hours: Mapped[int]


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)


@app.get("/api/v1/certificates/<public_id>")
def certificate(public_id: str):
    found = db.session.scalar(select(Certificate).where(Certificate.public_id == public_id))
    if found is None:
        abort(404)
    return jsonify(id=found.public_id, holder=found.holder_name, course=found.course_title, hours=found.hours,
                   status="valid")


@app.get("/ping")
def ping():
    return jsonify(status="ok", service="floor", version=1)
