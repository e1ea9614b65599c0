from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    ConfirmWorkflowCancellationView,
    DeleteView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from toolkit.admin_menu import PermissionMenuItem

from .admin_views import QuestionImportView
from .analysis_views import QuizAnalysisExportView, QuizAnalysisView, QuizEditView, QuizIndexView
from .forms import QuizForm
from .marking_views import MarkingQueueView
from .models import Question, QuestionCategory, Quiz, SigningExercise


class GuardedConfirmWorkflowCancellationView(ConfirmWorkflowCancellationView):
    """Wagtail asks for no permission before this confirmation (of publishing over a review in
    progress); only those who may change the object see it."""

    def dispatch(self, request, *args, **kwargs):
        opts = self.model._meta
        if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class KeepingDeleteView(DeleteView):
    """Officers' attempts keep the versions of what they answered: what they refer to is not
    deleted (nothing is half-deleted either); the editor is told to unpublish it instead."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                gettext(
                    "“%(object)s” cannot be deleted: officers' attempts keep its versions. "
                    "Unpublish it to withdraw it from learners."
                )
                % {"object": self.object},
            )
            return redirect(self.edit_url_name, self.object.pk)


class ReviewedViewSet(SnippetViewSet):
    """Viewsets of the snippets that go through review (versions.py)."""

    confirm_workflow_cancellation_view_class = GuardedConfirmWorkflowCancellationView
    delete_view_class = KeepingDeleteView


class QuestionViewSet(ReviewedViewSet):
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


class QuizViewSet(ReviewedViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "slug", "pass_mark", "max_attempts", "time_limit_minutes"]
    search_fields = ["title", "slug"]
    search_backend_name = None
    # Both add an "Item analysis" link (listing "More" menu, edit view header menu).
    index_view_class = QuizIndexView
    edit_view_class = QuizEditView
    # Refuses, when saved, a quiz whose questions cannot be drawn.
    edit_handler = ObjectList(Quiz.panels, base_form_class=QuizForm)


class SigningExerciseViewSet(ReviewedViewSet):
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
