from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise with the language switch.

    Django's own middleware follows the browser's Accept-Language, which on
    an English-configured PC would greet a district official in English.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Features no page uses: a script injected into a page cannot ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
# Only this site's own files run: no inline script or handler (behaviours live
# in static/js/, declared by data- attributes), nothing from another origin
# (the intranet has none), no plug-ins, no framing, forms post here only.
# Inline style attributes stay allowed: the tile map colours its tiles by
# value and the vendored Chart.js and Tom Select size elements inline.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class PrivateResponseMiddleware:
    """Nothing a signed-in user sees is kept by a browser or a proxy cache.

    Pages, chart JSON and exports of a signed-in user hold their scope's
    records: on a shared office PC the browser's cache would hand them to the
    next person, and the back button would show them after logging out. So
    every response to a signed-in user (and every download) says
    `Cache-Control: no-store`, overriding what a view set. Static files never
    get here (whitenoise answers them first, with their own long cache).
    Every response also says which browser features no page may use and
    where its scripts, styles and images may come from (the CSP).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = response.has_header("Content-Disposition")
        if download or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"  # HTTP/1.0 proxies
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
