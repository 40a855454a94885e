"""The learner's own account pages and the /me API: the one app that gathers from every app
below it.
"""
