"""The main navigation as a person uses it: on a phone it is folded into the Menu."""

import contextlib
import time

from playwright.sync_api import Error, Page, expect


def open_menu(page: Page) -> None:
    """Unfold the menu where the navigation is folded (narrow screens); nothing on wide
    screens, where the links are in the header's row."""
    menu = page.locator("details.menu")
    if menu.is_visible() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
        expect(menu).to_have_attribute("open", "")


def expect_signed_in(page: Page, within: float = 15) -> None:
    """Sign out is offered: in the header's row, or in the menu once it is unfolded. The
    page may still be arriving (a form was just sent), so this looks again, unfolding the
    menu of whichever page is showing, until the deadline."""
    sign_out = page.get_by_role("button", name="Sign out")
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if sign_out.is_visible():
            return
        with contextlib.suppress(Error, AssertionError):  # the page changed under us
            open_menu(page)
        with contextlib.suppress(Error):
            sign_out.wait_for(state="visible", timeout=500)
    expect(sign_out).to_be_visible()
