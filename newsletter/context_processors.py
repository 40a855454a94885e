from .models import CONSENT_TEXT


def newsletter(request) -> dict:
    """The consent wording, for the sign-up form in every page's footer."""
    return {"consent_text": CONSENT_TEXT}
