"""Settings for `make run`: the embedded default on a developer's machine."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# `make run` shows the demo: the city as it stood at the end of 2020, the
# day the source interview's figures describe (set DJANGO_CLOCK_TODAY to move it).
CLOCK_TODAY = env.str("DJANGO_CLOCK_TODAY", default="2020-12-31")
