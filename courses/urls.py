from django.urls import path

from . import views

urlpatterns = [
    path("my-courses/", views.my_courses, name="my_courses"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="course_enrol"),
    path("lessons/<int:lesson_id>/done/", views.lesson_done, name="lesson_done"),
    path("lessons/<int:lesson_id>/seen/", views.lesson_seen, name="lesson_seen"),
    path("search/", views.search, name="search"),
]
