"""Demo data and benchmark commands for development. At the top: may use any app; none
imports it.
"""
