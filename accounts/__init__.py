"""The user (email login, role, time zone), the clinician profile, sign-up and sign-in, API
tokens. Layer 2: imports outbox and lib.
"""
