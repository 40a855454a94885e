"""The accounts pages other apps add to (see lib.hooks)."""

from lib.hooks import ContextHook

# next_url (where the visitor goes after signing up, as given; may be anything): a
# provider that knows the place returns {"role": ...} for the form it calls for. The
# course app says "clinician" for a page of the CPD course.
signup_page = ContextHook("sign-up page")
