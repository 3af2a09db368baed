"""The public front door: `GET /` links to what this server offers (the simulator only where it
is mounted), `GET /favicon.ico` answers with the icon, every page names that icon, and neither
of the two sets a cookie."""

import re

import pytest

CONSOLE, HEALTH, SIMULATOR = 'href="/console/"', 'href="/healthz"', 'href="/simulator/"'


@pytest.mark.parametrize(
    "overrides, shown, hidden",
    [
        ({}, [CONSOLE, HEALTH, SIMULATOR], []),
        # Outside demo mode the simulator is not mounted: no link to a 404.
        ({"DEMO_MODE": "", "AT_API_KEY": "a-real-key", "WEBHOOK_TOKEN": "t0ken", "SECRET_KEY": "k" * 32},
         [CONSOLE, HEALTH], [SIMULATOR]),
    ],
)
def test_the_landing_page_links_to_what_is_mounted(make_app, overrides, shown, hidden):
    response = make_app(**overrides).test_client().get("/")
    page = response.get_data(as_text=True)
    assert (response.status_code, response.mimetype) == (200, "text/html")
    assert [link for link in shown if link not in page] == []
    assert [link for link in hidden if link in page] == []


def test_the_landing_page_has_no_inline_script_or_style(client):
    page = client.get("/").get_data(as_text=True)
    assert re.findall(r"<script|<style|\sstyle=|\son[a-z]+=", page) == []


def test_the_favicon_is_an_svg_a_browser_may_keep_for_a_day(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response.mimetype) == (200, "image/svg+xml")
    assert response.get_data(as_text=True).startswith("<svg ")
    assert response.cache_control.max_age == 24 * 3600


@pytest.mark.parametrize("path", ["/", "/favicon.ico"])
def test_the_public_front_door_sets_no_cookie(client, path):
    assert "Set-Cookie" not in client.get(path).headers


@pytest.mark.parametrize("path", ["/", "/console/login", "/simulator/"])
def test_every_page_names_the_icon(client, path):
    page = client.get(path).get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" type="image/svg+xml">' in page
