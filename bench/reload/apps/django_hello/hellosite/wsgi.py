import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hellosite.settings")
application = get_wsgi_application()

# Import the URLconf, and so the views, now rather than at the first request. Otherwise a worker
# that has not served yet imports views.py when its first request comes, which may be after the
# bench saved the next version: that worker serves new text before any reload happened, and its
# sibling, which imported views.py earlier, the old one. Every server would look flaky for it.
get_resolver().url_patterns
