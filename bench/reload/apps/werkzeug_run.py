"""Serves a WSGI app with werkzeug's development server and its reloader, as `flask run` does.

    python3 werkzeug_run.py PROJECT_DIR PORT MODULE:CALLABLE

A script rather than `python3 -c`: werkzeug's reloader restarts the process with the same
argv, and `-c CODE` does not survive that (it re-runs "-c" as a file name).
"""
import importlib
import os
import sys

from werkzeug.serving import run_simple

project_dir, port, spec = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, project_dir)
os.chdir(project_dir)
module_name, _, attr = spec.partition(":")
app = getattr(importlib.import_module(module_name), attr)
run_simple("127.0.0.1", port, app, use_reloader=True, use_debugger=False, threaded=False)
