"""Wagtail's choosers take the ids of what was chosen from the query string
(`.../chosen-multiple/?id=3&id=7`); Wagtail 8 passes them to the database as they come, so an
id that is not a number ("abc", "²") answers 500. Here such ids are left out: nothing of
that id exists, as for an id that matches no object."""

from toolkit.numbers import whole_number


def install_id_check():
    from wagtail.admin.views.generic.chooser import ChosenMultipleViewMixin

    wagtail_get_objects = ChosenMultipleViewMixin.get_objects

    def get_objects(self, pks):
        return wagtail_get_objects(self, [pk for pk in pks if whole_number(pk) is not None])

    ChosenMultipleViewMixin.get_objects = get_objects
