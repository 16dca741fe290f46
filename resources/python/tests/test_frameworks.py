"""Real frameworks behind the worker (skipped when the worker's interpreter lacks them).

    FORKWATCH_PYTHON=/usr/bin/python3 python3 -m unittest discover -s resources/python/tests
"""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import CAPTURE, Worker  # noqa: E402


def has_module(name):
    return subprocess.run([harness.PYTHON, "-c", "import " + name],
                          capture_output=True).returncode == 0


FLASK = '''
import logging
from flask import Flask, Response, request, jsonify, stream_with_context

app = Flask(__name__)

@app.route("/")
def index():
    print("flask index")
    return "flask says hi"

@app.route("/echo", methods=["POST"])
def echo():
    return jsonify(size=len(request.get_data()), form=request.form.to_dict())

@app.route("/stream")
def stream():
    def gen():
        for i in range(3):
            yield "chunk %d\\n" % i
    return Response(stream_with_context(gen()), mimetype="text/plain")

@app.route("/boom")
def boom():
    raise ValueError("flask boom")

def create_app(name):
    app.config["NAME"] = name
    return app
'''

DJANGO = '''
from django.conf import settings

settings.configure(
    DEBUG=False, SECRET_KEY="x", ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
    MIDDLEWARE=[], INSTALLED_APPS=[],
)

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.core.wsgi import get_wsgi_application


def index(request):
    return HttpResponse("django says hi")


def echo(request):
    return JsonResponse({"size": len(request.body), "q": request.GET.get("q")})


def stream(request):
    return StreamingHttpResponse(("part %d\\n" % i for i in range(3)))


urlpatterns = [path("", index), path("echo", echo), path("stream", stream)]
application = get_wsgi_application()
'''

BOTTLE = '''
import bottle

app = bottle.Bottle()

@app.route("/")
def index():
    return "bottle says hi"

@app.post("/echo")
def echo():
    return {"size": len(bottle.request.body.read())}

@app.route("/file")
def static():
    return bottle.static_file("app.py", root=".")
'''

FALCON = '''
import falcon

class Hello:
    def on_get(self, req, resp):
        resp.text = "falcon says hi"

    def on_post(self, req, resp):
        resp.media = {"size": len(req.bounded_stream.read())}

app = falcon.App()
app.add_route("/", Hello())
'''


class FrameworkMixin:
    def check_ok(self, r, status="200 OK"):
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.outcome, "ok", r.end)
        self.assertEqual(r.end["capture"]["findings"], [])


@unittest.skipUnless(has_module("flask"), "flask not installed for " + harness.PYTHON)
class FlaskTests(unittest.TestCase, FrameworkMixin):
    def test_flask(self):
        with Worker({"app.py": FLASK}, spec="app:create_app('demo')") as w:
            w.ready()
            r = w.request(flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, b"flask says hi")
            self.assertEqual([log["text"] for log in r.logs], ["flask index"])

            body = b"a=1&b=two"
            r = w.request(path="/echo", method="POST", body=body, flags=CAPTURE,
                          headers=[("CONTENT_TYPE", "application/x-www-form-urlencoded")])
            self.check_ok(r)
            self.assertIn(b'"form":{"a":"1","b":"two"}', r.body.replace(b" ", b""))
            self.assertEqual(r.end["bytesRead"], len(body))

            r = w.request(path="/echo", method="POST", body=body, flags=CAPTURE, chunked=True,
                          headers=[("CONTENT_TYPE", "application/x-www-form-urlencoded")])
            self.check_ok(r)  # no CONTENT_LENGTH: werkzeug reads it thanks to input_terminated
            self.assertIn(b'"form":{"a":"1","b":"two"}', r.body.replace(b" ", b""))

            r = w.request(path="/stream", flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, b"chunk 0\nchunk 1\nchunk 2\n")
            self.assertTrue(r.end["capture"]["closeCalled"])

            r = w.request(path="/boom", flags=CAPTURE)
            self.check_ok(r, "500 INTERNAL SERVER ERROR")  # Flask's own error page
            records = [log for log in r.logs if log["stream"] == "logging"]
            self.assertEqual(records[0]["level"], "ERROR")
            self.assertIn("ValueError: flask boom", records[0]["text"])


@unittest.skipUnless(has_module("django"), "django not installed for " + harness.PYTHON)
class DjangoTests(unittest.TestCase, FrameworkMixin):
    def test_django(self):
        with Worker({"mysite.py": DJANGO}, spec="mysite") as w:
            w.ready()
            r = w.request(flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, b"django says hi")
            r = w.request(path="/echo?q=x", method="POST", body=b"x" * 70000, chunk=16384,
                          flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, b'{"size": 70000, "q": "x"}')
            r = w.request(path="/stream", flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, b"part 0\npart 1\npart 2\n")
            r = w.request(path="/missing", flags=CAPTURE)
            self.check_ok(r, "404 Not Found")


@unittest.skipUnless(has_module("bottle"), "bottle not installed for " + harness.PYTHON)
class BottleTests(unittest.TestCase, FrameworkMixin):
    def test_bottle(self):
        with Worker({"app.py": BOTTLE}) as w:
            w.ready()
            r = w.request(flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, b"bottle says hi")
            r = w.request(path="/echo", method="POST", body=b"12345", flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body.replace(b" ", b""), b'{"size":5}')
            r = w.request(path="/file", flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, BOTTLE.encode())  # via wsgi.file_wrapper


@unittest.skipUnless(has_module("falcon"), "falcon not installed for " + harness.PYTHON)
class FalconTests(unittest.TestCase, FrameworkMixin):
    def test_falcon(self):
        with Worker({"app.py": FALCON}) as w:
            w.ready()
            r = w.request(flags=CAPTURE)
            self.check_ok(r)
            self.assertEqual(r.body, b"falcon says hi")
            r = w.request(method="POST", body=b"abc", flags=CAPTURE,
                          headers=[("CONTENT_TYPE", "text/plain")])
            self.check_ok(r)
            self.assertEqual(r.body.replace(b" ", b""), b'{"size":3}')


if __name__ == "__main__":
    unittest.main()
