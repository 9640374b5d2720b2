"""Self-service password change, in the application's own layout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .sessions import SESSION_TOKEN_KEY


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        token = self.request.session.get(SESSION_TOKEN_KEY)
        response = super().form_valid(form)
        # update_session_auth_hash keeps the data, but say so: this session stays the live one.
        if token:
            self.request.session[SESSION_TOKEN_KEY] = token
        messages.success(self.request, _("Your password has been changed."))
        return response
