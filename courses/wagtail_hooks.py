from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

from officers import roles
from officers.admin_views import ScopedObjectMixin

from .assignments import apply_assignment
from .forms import AssignmentForm
from .models import Assignment


def assignments_visible_to(user):
    queryset = Assignment.objects.select_related("course", "unit", "job_position", "created_by")
    # HR also see the assignments they made themselves, wherever they point.
    return roles.visible_to(user, queryset, also=Q(created_by=user))


class AssignmentIndexView(IndexView):
    def get_base_queryset(self):
        return assignments_visible_to(self.request.user)


class AssignmentCreateView(CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        assignment = super().save_instance()
        apply_assignment(assignment)
        return assignment


class ScopedToAssignments(ScopedObjectMixin):
    def allowed_objects(self):
        return assignments_visible_to(self.request.user)


class AssignmentEditView(ScopedToAssignments, EditView):
    def save_instance(self):
        assignment = super().save_instance()
        apply_assignment(assignment)
        return assignment


class AssignmentDeleteView(ScopedToAssignments, DeleteView):
    pass


class AssignmentHistoryView(ScopedToAssignments, HistoryView):
    pass


class AssignmentUsageView(ScopedToAssignments, UsageView):
    pass


class AssignmentViewSet(ModelViewSet):
    model = Assignment
    icon = "date"
    menu_label = _("Course assignments")
    menu_order = 220
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = AssignmentIndexView
    add_view_class = AssignmentCreateView
    edit_view_class = AssignmentEditView
    delete_view_class = AssignmentDeleteView
    history_view_class = AssignmentHistoryView
    usage_view_class = AssignmentUsageView
    list_display = ["course", "deadline", "unit", "job_position", "created_at"]
    list_filter = ["course", "deadline"]

    def get_form_class(self, for_update=False):
        return AssignmentForm


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet("assignment")
