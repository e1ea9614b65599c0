"""Wagtail's user forms (administrators only), held to the project's username rules: a new or
changed username may not look like an existing one (see officers.usernames)."""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from . import usernames


class UsernameRulesMixin:
    def _clean_username(self):
        username = super()._clean_username()
        if username is None or username == self.instance.username:
            return username  # unchanged: an existing account keeps its name
        try:
            usernames.validate_new_username(username, exclude_pk=self.instance.pk)
        except forms.ValidationError as error:
            self.add_error("username", error)
        return username


class AccountCreationForm(UsernameRulesMixin, UserCreationForm):
    pass


class AccountEditForm(UsernameRulesMixin, UserEditForm):
    pass


class AccountViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm
