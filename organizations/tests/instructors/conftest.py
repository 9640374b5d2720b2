import pytest
from django.test import override_settings


@pytest.fixture
def on_the_demo_day():
    """The demo's day (2020-12-31): who serves "today" and which dates lie ahead are read against it."""
    with override_settings(CLOCK_TODAY="2020-12-31"):
        yield
