"""A plain Flask "hello": the ceiling `make bench` measures the app against, under the same gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
