import pytest

from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import logged_in, make_role_accounts


@pytest.fixture
def app(make_app):
    app = make_app(**BROADCAST_SETTINGS)
    make_role_accounts(app)
    return app


@pytest.fixture
def as_role(app):
    """`as_role("editor")`: a test client logged in with that role's account."""
    return lambda role: logged_in(app, role)
