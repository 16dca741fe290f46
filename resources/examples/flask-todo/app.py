"""A small Flask app to explore with Forkwatch: JSON API, a form, a template, logging."""
import logging

from flask import Flask, jsonify, redirect, render_template, request

app = Flask(__name__)
log = logging.getLogger("todo")
todos = [{"id": 1, "title": "Open Forkwatch", "done": True}]


@app.get("/")
def index():
    return render_template("index.html", todos=todos)


@app.get("/api/todos")
def list_todos():
    return jsonify(todos)


@app.post("/todos")
def add_todo():
    title = request.form.get("title", "").strip()
    if not title:
        log.warning("empty title rejected")
        return "title is required", 400
    todos.append({"id": len(todos) + 1, "title": title, "done": False})
    print(f"added todo {title!r}")  # shows up in the request's Logs tab
    return redirect("/", code=303)


@app.get("/boom")
def boom():
    raise RuntimeError("an error to look at in the Error tab")
