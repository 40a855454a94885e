"""The course pages other apps add to (see lib.hooks). Each provider gets the keyword
arguments named here and returns context for the page's template."""

from lib.hooks import ContextHook

# user, dashboard (the learner's enrolments, empty when signed out): the review queue.
home_page = ContextHook("home page")

# user, course: quiz scores, where the learner stands against the completion rules.
course_page = ContextHook("course page")

# user, lesson, last_in_module: the lesson's quizzes and its pain-map regions.
lesson_page = ContextHook("lesson page")

# lesson: {"self_check": True} when the lesson has a self-check (the quiz app knows), so
# that the rule for "done" names it only where there is one (see course.engagement).
lesson_done_rule = ContextHook("lesson done rule")
