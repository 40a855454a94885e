"""Quizzes, questions, options, attempts, scoring, item statistics, the pain map. Layer 4:
imports course and below; announces attempts through quizzes.signals.
"""
