"""Paging long text and option lists into screens a basic phone can show."""

import pytest

from sms_service.engine.ussd.screens import paginate

FOOTER = "0 Back 00 Home"
MORE = "98 More\n0 Back 00 Home"


def test_what_fits_is_one_page():
    assert paginate("Title", ["1. A", "2. B"], FOOTER, MORE, 182) == ["Title\n1. A\n2. B\n0 Back 00 Home"]


@pytest.mark.parametrize("limit", [60, 100, 182])
def test_long_text_breaks_at_spaces_and_every_page_fits(limit):
    words = [f"word{n}" for n in range(120)]
    pages = paginate(" ".join(words), [], FOOTER, MORE, limit)
    assert len(pages) > 1
    assert all(len(page) <= limit for page in pages)
    assert all(page.endswith(MORE) for page in pages[:-1]) and pages[-1].endswith(FOOTER)
    shown = " ".join(page.replace(MORE, "").replace(FOOTER, "").strip() for page in pages).split()
    assert shown == words  # nothing lost, nothing cut mid-word, nothing repeated


def test_options_are_never_split_across_pages():
    options = [f"{n}. Option number {n}" for n in range(1, 15)]
    pages = paginate("Pick one", options, FOOTER, MORE, 90)
    assert all(len(page) <= 90 for page in pages)
    listed = [line for page in pages for line in page.splitlines() if ". Option" in line]
    assert listed == options


def test_the_start_screen_has_no_back_footer():
    pages = paginate("Home " * 40, ["1. A"], "", "98 More", 60)
    assert pages[-1].endswith("1. A")
    assert all(page.endswith("98 More") for page in pages[:-1])
