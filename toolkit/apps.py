from django.apps import AppConfig
from django.db.models.signals import pre_save


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = "Toolkit"

    def ready(self):
        from wagtail.images import get_image_model

        from .choosers import install_id_check
        from .spreadsheets import install_wagtail_writer
        from .uploads import sanitize_new_image_file

        # Every new image file is re-encoded before it is stored (see toolkit.uploads).
        pre_save.connect(
            sanitize_new_image_file, sender=get_image_model(), dispatch_uid="sanitize_image"
        )
        # Wagtail's own listing exports get the BOM, the formula guard and the title block.
        install_wagtail_writer()
        # Wagtail's choosers answer 500 to an id that is not a number ("?id=abc").
        install_id_check()
