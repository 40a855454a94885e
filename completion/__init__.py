"""Completion rules, CPD certificates, verification. Layer 6: imports reviews and below."""
