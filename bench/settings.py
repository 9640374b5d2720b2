"""Settings for bench/pages.py: production settings, plus only

- the bare page (bench.urls, bench._server.bare),
- the query-count middleware, outermost (bench._server.QueryCountMiddleware),
- STATIC_ROOT from BENCH_STATIC_ROOT, so that collectstatic writes into the
  bench's own directory rather than the checkout.

Everything else (DEBUG off, whitenoise with the manifest storage, secure
cookies, CONN_MAX_AGE, the required environment) is production's.
"""

from xian_partybuild.settings.production import *  # noqa: F403
from xian_partybuild.settings.production import MIDDLEWARE, STATIC_ROOT, env

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench._server.QueryCountMiddleware", *MIDDLEWARE]
STATIC_ROOT = env("BENCH_STATIC_ROOT", default=str(STATIC_ROOT))

# The bench logs in over HTTP with a password alone. Production asks staff for
# a second factor (TOTP) once, at login; every page after that passes the same
# middleware check of the session, which the other roles' pages measure too.
OTP_REQUIRED_FOR_STAFF = False
