"""Self-service password change in the application's own layout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .password_expiry import password_change_reason, reason_message
from .sessions import SESSION_TOKEN_KEY


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        # Sent here by the password-expiry middleware: say why.
        return super().get_context_data(
            **kwargs, forced_reason=reason_message(password_change_reason(self.request.user))
        )

    def get_success_url(self):
        wanted = self.request.POST.get("next") or self.request.GET.get("next")
        if wanted and url_has_allowed_host_and_scheme(wanted, {self.request.get_host()}, self.request.is_secure()):
            return wanted
        return super().get_success_url()

    def form_valid(self, form):
        # The user chose this password themselves: no longer one an administrator set.
        form.user.must_change_password = False
        token = self.request.session.get(SESSION_TOKEN_KEY)
        response = super().form_valid(form)
        # update_session_auth_hash keeps the data, but say so: this session stays the live one.
        if token:
            self.request.session[SESSION_TOKEN_KEY] = token
        messages.success(self.request, _("Your password has been changed."))
        return response
