#!/usr/bin/env python3
"""Django's command line for the reload benchmark's project (runserver is one of the contenders)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hellosite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
