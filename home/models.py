from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's root page: a welcome and the way into the courses."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ul", "ol"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        from courses.routing import route_to_lesson

        # Lessons are the pages most requested: found in two queries, not one level at a time.
        found = route_to_lesson(self, path_components, levels=4)  # catalogue › … › lesson
        return found or super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from courses.models import CatalogueIndexPage

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = CatalogueIndexPage.objects.live().public().first()
        return context
