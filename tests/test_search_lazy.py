"""The search index is fetched only when a reader uses search (issue 16 item 3), in real Chromium."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

INDEX = "search/search_index.json"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    p = context.new_page()
    p.sb_requests = []  # type: ignore[attr-defined]
    context.on("request", lambda r: p.sb_requests.append(r.url))  # type: ignore[attr-defined]
    yield p
    context.close()


def _index_requests(page) -> list[str]:
    return [u for u in page.sb_requests if INDEX in u]


def _results(page, query: str) -> list[str]:
    page.locator(".md-search__input").press_sequentially(query, delay=20)
    page.wait_for_function(
        "q => document.querySelector('.md-search__input').value === q && "
        "(document.querySelectorAll('.md-search-result__item').length > 0 || /Ingen/i.test(document.querySelector('.md-search-result__meta').textContent))",
        arg=query,
        timeout=20000,
    )
    return page.locator(".md-search-result__item a").evaluate_all("as => as.map(a => a.href)")


def test_page_load_and_navigation_do_not_fetch_the_search_index(page, public_url) -> None:
    page.goto(public_url + "ordliste/")
    page.wait_for_load_state("networkidle")
    page.locator("a.md-tabs__link").filter(has_text=re.compile(r"^\s*Aktiviteter\s*$")).click()  # instant navigation
    page.wait_for_url("**/aktiviteter/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.sb_requests, "the listener saw no request at all"
    assert _index_requests(page) == []


def test_focusing_the_field_fetches_the_index_and_search_works(page, public_url) -> None:
    page.goto(public_url + "ordliste/")
    page.wait_for_load_state("networkidle")
    assert _index_requests(page) == []
    page.keyboard.press("/")  # Material's shortcut focuses the search field
    page.wait_for_function("!/Initial/i.test(document.querySelector('.md-search-result__meta').textContent)", timeout=20000)
    assert len(_index_requests(page)) == 1
    hrefs = _results(page, "ungdomsbrandkorpsene")  # an inflected form: Danish search as before
    assert any("/aktiviteter/ungdomsbrandkorps/" in h for h in hrefs), hrefs


def test_arriving_from_a_search_result_highlights_without_a_focus(page, public_url) -> None:
    page.goto(public_url + "aktiviteter/ungdomsbrandkorps/?h=ungdomsbrandkorps")
    page.wait_for_selector("mark", timeout=20000)  # search.highlight needs the index
    assert len(_index_requests(page)) == 1
