"""Courses, modules, lessons, publishing, enrolment, progress and access rules. Layer 3:
imports accounts and below; announces progress through course.signals and course.hooks.
"""
