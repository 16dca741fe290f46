# The hello app of the reload benchmark. The bench rewrites TEXT in a temp copy of this file
# and times how long until the server answers with the new text.
TEXT = "reload-bench v0"


def app(environ, start_response):
    body = TEXT.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
