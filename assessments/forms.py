"""Admin forms of the question bank: a quiz that cannot be filled is refused when saved."""

from wagtail.admin.forms import WagtailAdminModelForm

from .drawing import shortfalls


def _rows(formset, *fields):
    """The kept rows of an inline formset, as tuples of the fields' cleaned values."""
    if formset is None or not formset.is_valid():
        return []
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or any(data.get(name) is None for name in fields):
            continue
        rows.append(tuple(data[name] for name in fields))
    return rows


class QuizForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        fixed_rows = _rows(self.formsets.get("fixed_questions"), "question")
        fixed = [question.pk for (question,) in fixed_rows]
        draws = [
            (category.pk, count)
            for category, count in _rows(self.formsets.get("random_draws"), "category", "count")
        ]
        for problem in shortfalls(fixed, draws, for_authoring=True):
            self.add_error(None, str(problem))
        return cleaned
