from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from courses import events

        from . import completion

        # A course is complete only once every required quiz and signing exercise is passed.
        events.add_completion_condition(completion.required_quizzes_passed)
        events.add_completion_condition(completion.required_exercises_passed)
