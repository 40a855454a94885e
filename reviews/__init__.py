"""Spaced repetition: cards, review logs, the fsrs bridge, the session and progress. Layer
5: imports quizzes and below.
"""
