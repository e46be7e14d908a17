#!/usr/bin/env python
"""Django's command-line utility; `terang` in the virtualenv is the same program.

Run from a source checkout with no configuration at all (neither DJANGO_DEBUG nor a SECRET_KEY in
the environment), manage.py uses development settings, as `make run` does, so developer commands
such as `manage.py makemigrations --check` work at once. Production runs `terang` or gunicorn with
its environment set, and refuses to start without a SECRET_KEY.
"""

import os

from terang.cli import main

if __name__ == "__main__":
    if not any(os.environ.get(name) for name in ("DJANGO_DEBUG", "SECRET_KEY", "SECRET_KEY_FILE")):
        os.environ["DJANGO_DEBUG"] = "true"
    main()
