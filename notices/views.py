"""The inbox: one's own notices, newest first; opening one marks it read and
follows its link; the kinds one does not want can be muted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView

from . import inbox, services
from .forms import MuteForm
from .models import Notice, NoticeMute


class InboxView(LoginRequiredMixin, ListView):
    template_name = "notices/inbox.html"
    context_object_name = "notices"
    paginate_by = 25
    extra_context = {"title": gettext_lazy("Notices")}

    def get_queryset(self):
        return Notice.objects.for_user(self.request.user).only(
            "pk", "kind", "title", "body", "created_at", "read_at", "user_id"
        )


class NoticeOpenView(LoginRequiredMixin, View):
    """Mark one's own notice read and follow its link (another user's notice is a 404)."""

    def get(self, request, pk):
        notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
        was_unread = notice.read_at is None
        services.notice_open(user=request.user, notice=notice)
        if was_unread:
            inbox.remember(request, inbox.count_unread(request.user))
        # Links are written by the services, but a stored link is still only followed on this site.
        safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
        return HttpResponseRedirect(notice.url if safe else reverse("notices:inbox"))


class ReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        marked = services.notices_read_all(user=request.user)
        inbox.remember(request, 0)
        if marked:
            messages.success(request, _("All notices marked as read."))
        return HttpResponseRedirect(reverse("notices:inbox"))


class MuteView(LoginRequiredMixin, FormView):
    template_name = "notices/settings.html"
    form_class = MuteForm
    success_url = reverse_lazy("notices:settings")
    extra_context = {"title": gettext_lazy("Notice settings")}

    def get_initial(self):
        return {"muted": list(NoticeMute.objects.filter(user=self.request.user).values_list("kind", flat=True))}

    def form_valid(self, form):
        services.notice_mutes_set(user=self.request.user, kinds=form.cleaned_data["muted"])
        messages.success(self.request, _("Your notice settings were saved."))
        return super().form_valid(form)
