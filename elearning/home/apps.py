from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "elearning.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self):
        from wagtail.images import get_image_model

        from elearning.choosers import install_id_check
        from elearning.spreadsheets import install_wagtail_writer
        from elearning.uploads import sanitize_new_image_file

        # Every new image file is re-encoded before it is stored (see elearning.uploads).
        pre_save.connect(
            sanitize_new_image_file, sender=get_image_model(), dispatch_uid="sanitize_image"
        )
        # Wagtail's own listing exports get the BOM, the formula guard and the title block.
        install_wagtail_writer()
        # Wagtail's choosers answer 500 to an id that is not a number ("?id=abc").
        install_id_check()
