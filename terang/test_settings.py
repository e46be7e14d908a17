"""Settings for the test suite: the ordinary settings with TERANG_TESTING switched on."""

import os

os.environ["TERANG_TESTING"] = "true"

from terang.settings import *  # noqa: F403
