"""Self-service password change and the second factor's pages, in the application's own layout."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import FormView, TemplateView

from . import second_factor
from .lockout import LOCKED_MESSAGE
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


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_lazy("Verification code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _lazy("Enter the 6-digit code your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )


class SecondFactorStepMixin(LoginRequiredMixin):
    """The shared part of enrolling and giving a code: check it, count a wrong one, go on."""

    form_class = CodeForm

    def next_url(self) -> str:
        wanted = self.request.POST.get("next") or self.request.GET.get("next")
        if wanted and url_has_allowed_host_and_scheme(wanted, {self.request.get_host()}, self.request.is_secure()):
            return wanted
        return resolve_url("home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, next=self.next_url())

    def form_valid(self, form):
        outcome = second_factor.code_verify(request=self.request, device=self.device, code=form.cleaned_data["code"])
        if outcome == second_factor.LOCKED:
            logout(self.request)
            messages.error(self.request, LOCKED_MESSAGE % {"minutes": settings.LOCKOUT_COOLOFF_MINUTES})
            return redirect("login")
        if outcome == second_factor.WRONG:
            form.add_error(
                "code", _("That code is not right (or was already used). Wait for the next one and try again.")
            )
            return self.form_invalid(form)
        return redirect(self.next_url())


class SecondFactorEnrolView(SecondFactorStepMixin, FormView):
    """First time: a new secret as a QR code and as text; a current code confirms the device."""

    template_name = "registration/two_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # Only those the setting asks enrol: a device nobody asks for would only mislead.
            if second_factor.confirmed_device(request.user) or not second_factor.second_factor_required(request.user):
                return redirect("two_factor")
            self.device = second_factor.enrolment_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            qr=second_factor.qr_svg(self.device),
            secret=second_factor.secret_base32(self.device),
            uri=self.device.config_url,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.is_authenticated and self.request.user.is_verified():
            messages.success(self.request, _("Two-step verification is now enabled for your account."))
        return response


class SecondFactorVerifyView(SecondFactorStepMixin, FormView):
    """Every login of a user with a device: the current code, before any page."""

    template_name = "registration/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = second_factor.confirmed_device(request.user)
            if self.device is None:
                return redirect("two_factor_enrol")
        return super().dispatch(request, *args, **kwargs)


class SecondFactorStatusView(LoginRequiredMixin, TemplateView):
    """Whether the user's account has a second factor, and whether it is required of them."""

    template_name = "registration/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **kwargs,
            device=second_factor.confirmed_device(user),
            required=second_factor.second_factor_required(user),
        )
