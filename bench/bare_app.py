"""The framework's floor for bench/overhead.py: Flask with one endpoint answering a small JSON, nothing else."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify(status="ok", service="bare", version=1)
