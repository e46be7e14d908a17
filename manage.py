#!/usr/bin/env python
"""Django's command-line utility; `terang` in the virtualenv is the same program."""

from terang.cli import main

if __name__ == "__main__":
    main()
