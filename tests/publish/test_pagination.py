"""List pages link a window of pages, not every page: linking all 500 pages of a busy year from each
of them made the lists cost the square of their size (measured at 100,000 products)."""

from __future__ import annotations

import itertools

from jdih_build.publish.render import PAGE_WINDOW, page_numbers


def test_small_lists_link_every_page() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(3, 5) == [1, 2, 3, 4, 5]
    assert page_numbers(4, 7) == [1, 2, 3, 4, 5, 6, 7]   # a gap of one page is shown, not elided


def test_long_lists_link_the_ends_and_a_window() -> None:
    assert page_numbers(250, 500) == [1, None, 248, 249, 250, 251, 252, None, 500]
    assert page_numbers(1, 500) == [1, 2, 3, None, 500]
    assert page_numbers(500, 500) == [1, None, 498, 499, 500]


def test_every_page_is_reachable_and_the_links_stay_few() -> None:
    for pages in (1, 2, 9, 10, 11, 60, 501):
        for number in range(1, pages + 1):
            shown = page_numbers(number, pages)
            numbers = [n for n in shown if n is not None]
            assert numbers == sorted(set(numbers)) and numbers[0] == 1 and numbers[-1] == pages
            assert number in numbers
            assert number == 1 or number - 1 in numbers            # one step back and forth always works
            assert number == pages or number + 1 in numbers
            assert len(shown) <= 2 * PAGE_WINDOW + 5
            for before, after in itertools.pairwise(shown):
                if before is not None and after is not None:
                    assert after == before + 1                    # a jump is always marked by a gap
