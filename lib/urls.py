"""Absolute links: the one way to build an address that leaves the site (an email, the
certificate's PDF and QR code), from the public address in `settings.SITE_URL`.

A page served to a browser links relatively; a link read somewhere else cannot, and
must not be built from the request's Host header either (a forged Host would put the
attacker's domain into a password or unsubscribe link).
"""

import re
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse


def absolute_url(path_or_viewname: str, *args: object) -> str:
    """`absolute_url("reviews:session")`, `absolute_url("newsletter:confirm", token)` or
    `absolute_url("/certificates/")`: the site's public address followed by the path."""
    if path_or_viewname.startswith("/"):
        if args:
            raise ValueError("A path takes no arguments; give a view name instead.")
        path = path_or_viewname
    else:
        path = reverse(path_or_viewname, args=args)
    return settings.SITE_URL + path


# A scheme (https:, mailto:, data:, cid: ...): the link says where it goes already.
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def absolute_link(href: str) -> str:
    """A link as written (`/pain-map/`, `pain-map/`, `#top`, `https://...`) made
    absolute against the site's public address; one that names its scheme is kept."""
    href = href.strip()
    if _HAS_SCHEME.match(href):
        return href
    return urljoin(settings.SITE_URL + "/", href)
