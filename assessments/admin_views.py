from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

import audit
from audit.models import Action
from toolkit.uploads import check_upload

from .interchange import InterchangeError, read_bank
from .interchange.store import save_bank


class QuestionImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("gift", "GIFT"), ("xml", "Moodle XML")],
    )
    category = forms.CharField(
        label=gettext_lazy("Import into category"),
        max_length=500,
        help_text=gettext_lazy("A path such as “Ngân hàng/Chữ ký số”; created when missing."),
    )
    # Moodle's "Get category from file" (catfromfile), on by default as in Moodle.
    categories_from_file = forms.BooleanField(
        label=gettext_lazy("Use the categories named in the file"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "A line “$CATEGORY: $course$/top/Chữ ký số” in a GIFT file, or a category question "
            "in Moodle XML, puts the questions after it into that category, counted from the "
            "top of the question bank, not from the category chosen above, as in Moodle. "
            "Questions before the first such line go into the chosen category. Untick to put "
            "every question into the chosen category."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload, file_format = cleaned.get("file"), cleaned.get("format")
        if upload and file_format:
            # GIFT is plain text and Moodle XML is XML, whatever the file is called.
            kinds = {"xml"} if file_format == "xml" else {"text"}
            expected = _("a Moodle XML file") if file_format == "xml" else _("a GIFT text file")
            try:
                check_upload(
                    upload,
                    kinds=kinds,
                    max_bytes=settings.QUESTION_IMPORT_MAX_BYTES,
                    expected=expected,
                )
            except forms.ValidationError as error:
                self.add_error("file", error)
        return cleaned


class QuestionImportView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    permission_required = "assessments.add_question"
    raise_exception = True
    page_title = gettext_lazy("Import questions")
    header_icon = "upload"
    template_name = "assessments/admin/import.html"
    form_class = QuestionImportForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        file_format, category = form.cleaned_data["format"], form.cleaned_data["category"]
        categories_from_file = form.cleaned_data["categories_from_file"]
        try:
            bank = read_bank(upload.read(), file_format)
        except InterchangeError as error:
            audit.record(
                self.request,
                Action.QUESTIONS_IMPORT_REFUSED,
                file=upload.name,
                format=file_format,
                category=category,
                problems=len(error.problems),
            )
            messages.error(self.request, _("Nothing was imported: fix the file and try again."))
            return self.render_to_response(
                self.get_context_data(form=form, problems=error.problems)
            )
        with transaction.atomic():
            saved = save_bank(
                bank,
                category,
                user=self.request.user,
                categories_from_file=categories_from_file,
            )
            audit.record(
                self.request,
                Action.QUESTIONS_IMPORTED,
                file=upload.name,
                format=file_format,
                category=category,
                questions=len(saved),
                categories=saved.counts_by_path(),
            )
        messages.success(self.request, saved.summary())
        for skipped in saved.skipped:
            messages.warning(self.request, skipped)
        return redirect(reverse("wagtailsnippets_assessments_question:list"))
