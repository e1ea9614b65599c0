"""Item analysis of a quiz in the Wagtail admin: a page and an Excel download."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.snippets.views.snippets import EditView, IndexView

from toolkit import spreadsheets

from .analysis import item_analysis
from .models import Quiz

PERMISSION = "assessments.change_quiz"


def analysis_url(quiz):
    return reverse("quiz_analysis", args=[quiz.pk])


class QuizAnalysisMixin(PermissionRequiredMixin):
    permission_required = PERMISSION
    raise_exception = True

    @cached_property
    def quiz(self):
        return get_object_or_404(Quiz, pk=self.kwargs["pk"])


class QuizAnalysisView(QuizAnalysisMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Item analysis")
    header_icon = "table"
    template_name = "assessments/admin/analysis.html"

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailsnippets_assessments_quiz:list"),
                "label": capfirst(Quiz._meta.verbose_name_plural),
            },
            {
                "url": reverse("wagtailsnippets_assessments_quiz:edit", args=[self.quiz.pk]),
                "label": str(self.quiz),
            },
            {"url": "", "label": _("Item analysis")},
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Download Excel"),
                url=reverse("quiz_analysis_xlsx", args=[self.quiz.pk]),
                icon_name="download",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["analysis"] = item_analysis(self.quiz)
        return context


class QuizAnalysisExportView(QuizAnalysisMixin, View):
    def get(self, request, *args, **kwargs):
        return spreadsheets.download(
            workbook_bytes(item_analysis(self.quiz)),
            f"phan-tich-cau-hoi-{self.quiz.slug}.xlsx",
            spreadsheets.XLSX_TYPE,
        )


def workbook_bytes(analysis):
    """The analysis as an .xlsx: a summary, one row per question, one row per option."""
    summary = [
        (_("Finished attempts"), analysis.attempts),
        (_("Officers"), analysis.officers),
        (_("Mean score (%)"), analysis.mean_percent),
        (_("Median score (%)"), analysis.median_percent),
        (_("Attempts passed (%)"), analysis.pass_rate),
        (_("Officers who passed"), analysis.officers_passed),
        (_("Pass mark (%)"), float(analysis.quiz.pass_mark)),
    ]
    questions = [
        [
            item.position,
            item.question.name,
            str(item.kind_label),
            item.attempts,
            item.facility,
            item.sd,
            item.discrimination,
        ]
        for item in analysis.questions
    ]
    title_lines = [
        _("Item analysis: %(quiz)s") % {"quiz": analysis.quiz.title},
        spreadsheets.generated_line(),
    ]
    return spreadsheets.xlsx_bytes(
        title_lines,
        [
            spreadsheets.Sheet(
                _("Summary"), [_("Figure"), _("Value")], summary, float_format="0.00"
            ),
            spreadsheets.Sheet(
                _("Questions"),
                [
                    _("Position"),
                    _("Question"),
                    _("Kind"),
                    _("Attempts"),
                    _("Facility index (%)"),
                    _("Standard deviation (%)"),
                    _("Discrimination index (%)"),
                ],
                questions,
                float_format="0.00",
            ),
            spreadsheets.Sheet(
                _("Responses"),
                [
                    _("Position"),
                    _("Question"),
                    _("Answer or response"),
                    _("Share of the mark"),
                    _("Count"),
                    _("Share of attempts (%)"),
                ],
                list(response_rows(analysis)),
                float_format="0.00",
            ),
        ],
    )


def response_rows(analysis):
    for item in analysis.questions:
        for option in item.options:
            text = _("(no answer)") if option.no_answer else option.text
            yield [
                item.position,
                item.question.name,
                text,
                option.fraction,
                option.count,
                option.percent,
            ]
        if item.other_responses:
            yield [
                item.position,
                item.question.name,
                _("(other responses)"),
                None,
                item.other_responses,
                100 * item.other_responses / item.attempts,
            ]


# Ways into the analysis from the quiz snippets: the listing's "More" menu and the edit view's
# header menu (set as the QuizViewSet's index_view_class and edit_view_class).


class QuizIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm(PERMISSION):
            buttons.append(
                MenuItem(_("Item analysis"), analysis_url(instance), icon_name="table", priority=25)
            )
        return buttons


class QuizEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm(PERMISSION):
            buttons.append(
                Button(
                    _("Item analysis"),
                    url=analysis_url(self.object),
                    icon_name="table",
                    priority=30,
                )
            )
        return buttons
