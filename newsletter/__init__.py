"""Subscribers (double opt-in), issues, deliveries, signed links. Layer 7, beside reminders
(neither imports the other).
"""
