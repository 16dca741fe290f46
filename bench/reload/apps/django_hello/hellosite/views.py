# The bench rewrites TEXT in a temp copy of this file and times how long until it is served.
from django.http import HttpResponse

TEXT = "reload-bench v0"


def hello(request):
    return HttpResponse(TEXT, content_type="text/plain")
