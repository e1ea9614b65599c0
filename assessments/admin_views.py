from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .interchange import InterchangeError, read_bank
from .interchange.store import save_bank

MAX_BYTES = 20 * 1024 * 1024


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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class QuestionImportView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    permission_required = "assessments.add_question"
    raise_exception = True
    page_title = gettext_lazy("Import questions")
    header_icon = "upload"
    template_name = "assessments/admin/import.html"
    form_class = QuestionImportForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            bank = read_bank(upload.read(), form.cleaned_data["format"])
        except InterchangeError as error:
            messages.error(self.request, _("Nothing was imported: fix the file and try again."))
            return self.render_to_response(
                self.get_context_data(form=form, problems=error.problems)
            )
        questions = save_bank(bank, form.cleaned_data["category"])
        messages.success(
            self.request,
            _("%(count)d questions imported into “%(category)s”.")
            % {"count": len(questions), "category": form.cleaned_data["category"]},
        )
        return redirect(reverse("wagtailsnippets_assessments_question:list"))
