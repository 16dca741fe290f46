from django.http import HttpResponse, JsonResponse
from django.urls import path

NOTES = ["Django runs under Forkwatch's pre-forked workers."]


def index(request):
    return HttpResponse("<h1>Notes</h1><ul>%s</ul>" % "".join("<li>%s</li>" % n for n in NOTES))


def api(request):
    return JsonResponse({"notes": NOTES, "path": request.path, "method": request.method})


urlpatterns = [path("", index), path("api/notes", api)]
