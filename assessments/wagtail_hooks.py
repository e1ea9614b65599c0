from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from elearning.admin_menu import PermissionMenuItem

from .admin_views import QuestionImportView
from .analysis_views import QuizAnalysisExportView, QuizAnalysisView, QuizEditView, QuizIndexView
from .marking_views import MarkingQueueView
from .models import Question, QuestionCategory, Quiz, SigningExercise


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["name", "kind", "category", "updated_at"]
    list_filter = ["kind", "category"]
    search_fields = ["name", "text"]
    search_backend_name = None
    copy_view_enabled = True


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["path", "description"]
    search_fields = ["name"]
    search_backend_name = None


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "slug", "pass_mark", "max_attempts", "time_limit_minutes"]
    search_fields = ["title", "slug"]
    search_backend_name = None
    # Both add an "Item analysis" link (listing "More" menu, edit view header menu).
    index_view_class = QuizIndexView
    edit_view_class = QuizEditView


class SigningExerciseViewSet(SnippetViewSet):
    model = SigningExercise
    icon = "key"
    menu_label = _("Signing exercises")
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]
    search_backend_name = None


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuizViewSet, QuestionViewSet, QuestionCategoryViewSet, SigningExerciseViewSet)
    menu_icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
    menu_order = 230


register_snippet(QuestionBankGroup)


@hooks.register("register_admin_urls")
def register_question_import_url():
    return [path("questions/import/", QuestionImportView.as_view(), name="question_import")]


@hooks.register("register_admin_urls")
def register_quiz_analysis_urls():
    return [
        path("quizzes/<int:pk>/analysis/", QuizAnalysisView.as_view(), name="quiz_analysis"),
        path(
            "quizzes/<int:pk>/analysis.xlsx",
            QuizAnalysisExportView.as_view(),
            name="quiz_analysis_xlsx",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_question_import_menu_item():
    return PermissionMenuItem(
        _("Import questions"),
        reverse("question_import"),
        icon_name="upload",
        order=240,
        permission="assessments.add_question",
    )


@hooks.register("register_admin_urls")
def register_marking_url():
    return [path("marking/", MarkingQueueView.as_view(), name="marking_queue")]


@hooks.register("register_admin_menu_item")
def register_marking_menu_item():
    return PermissionMenuItem(
        _("Marking"),
        reverse("marking_queue"),
        icon_name="edit",
        order=245,
        permission="assessments.change_attempt",
    )
