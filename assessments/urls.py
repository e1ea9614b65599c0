from django.urls import path

from . import exercise_views, views

urlpatterns = [
    path("quizzes/<slug:slug>/", views.quiz_detail, name="quiz_detail"),
    path("quizzes/<slug:slug>/start/", views.start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt_page"),
    path("attempts/<int:attempt_id>/save/", views.save, name="attempt_save"),
    path("attempts/<int:attempt_id>/review/", views.review, name="attempt_review"),
    path("exercises/<slug:slug>/", exercise_views.exercise_page, name="signing_exercise"),
    path(
        "exercises/<slug:slug>/submissions/<int:submission_id>/",
        exercise_views.submission_page,
        name="signing_submission",
    ),
]
