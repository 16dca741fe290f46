"""Forkwatch's Python worker: a pre-forked, sync WSGI worker (PEP 3333) driven by the Node
master over fd 3 with the frame protocol of src-main/gateway/protocol.ts.

Standard library only; Python 3.8+. Modules, one job each:

* protocol   -- frame constants (mirror of protocol.ts)
* channel    -- fd 3: reading/writing frames
* boot       -- gunicorn-style app spec -> WSGI callable
* errors     -- exceptions -> PythonError JSON
* compact_json -- JSON text for frames (the _json C encoder, without the json package)
* environ    -- environ dict and wsgi.file_wrapper
* wsgi_input -- wsgi.input over BODY frames
* response   -- start_response / write / iterating the result / END
* capture    -- RequestCapture for CAPTURE requests
* console    -- sys.stdout / sys.stderr / wsgi.errors as LOG frames
* log_handler -- logging records as LOG frames
* lifecycle  -- signals, faulthandler, parent death
* loop       -- the serving loop
* main       -- boot sequence
"""
