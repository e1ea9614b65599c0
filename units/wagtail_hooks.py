from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def unit_search_js():
    return format_html('<script src="{}" defer></script>', static("units/unit_search.js"))
