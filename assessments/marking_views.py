"""The trainers' marking queue in the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from toolkit.numbers import whole_number

from .marking import awaiting_marking, mark_answer
from .models import Quiz
from .templatetags.marks import mark as format_mark
from .versions import QuestionVersions

PER_PAGE = 20


class MarkForm(forms.Form):
    mark = forms.DecimalField(
        label=gettext_lazy("Mark"), min_value=0, max_digits=9, decimal_places=4, localize=True
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment for the learner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, slot, **kwargs):
        super().__init__(*args, prefix=f"slot{slot.pk}", **kwargs)
        self.slot = slot
        self.fields["mark"].max_value = slot.mark
        self.fields["mark"].widget.attrs.update(max=slot.mark)
        self.fields["mark"].help_text = _("Out of %(mark)s.") % {"mark": format_mark(slot.mark)}

    def clean_mark(self):
        mark = self.cleaned_data["mark"]
        if mark > self.slot.mark:
            raise forms.ValidationError(
                _("The mark cannot be more than %(mark)s.") % {"mark": format_mark(self.slot.mark)}
            )
        return mark


class MarkingQueueView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = "assessments.change_attempt"
    raise_exception = True
    page_title = gettext_lazy("Marking")
    header_icon = "edit"
    template_name = "assessments/admin/marking.html"

    def waiting(self):
        queue = awaiting_marking()
        quiz_id = whole_number(self.request.GET.get("quiz"))
        if quiz_id is not None:
            queue = queue.filter(attempt__quiz_id=quiz_id)
        return queue

    def get_context_data(self, invalid=None, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.waiting(), PER_PAGE).get_page(self.request.GET.get("p"))
        versions = QuestionVersions()
        for slot in page:
            # The question as the officer saw it, whatever was changed since.
            slot.version = versions(slot.question_revision)
        context.update(
            page=page,
            entries=[
                (slot, invalid if invalid and invalid.slot.pk == slot.pk else MarkForm(slot=slot))
                for slot in page
            ],
            quizzes=Quiz.objects.filter(attempts__state="needs_marking").distinct(),
            chosen_quiz=self.request.GET.get("quiz", ""),
        )
        return context

    def post(self, request, *args, **kwargs):
        slot_id = whole_number(request.POST.get("slot"))
        if slot_id is None:
            raise Http404
        slot = get_object_or_404(self.waiting(), pk=slot_id)
        form = MarkForm(request.POST, slot=slot)
        if not form.is_valid():
            messages.error(request, _("The mark was not saved: correct the form below."))
            return self.render_to_response(self.get_context_data(invalid=form))
        mark_answer(slot, form.cleaned_data["mark"], form.cleaned_data["comment"], request.user)
        messages.success(
            request,
            _("Marked question %(position)s of %(officer)s’s attempt.")
            % {"position": slot.position, "officer": slot.attempt.officer},
        )
        return redirect(request.get_full_path())
