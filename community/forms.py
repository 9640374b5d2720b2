"""Forms validate input and say where it is wrong; the services do the writing.

Every related-record choice is built from the user's scoped queryset."""

from __future__ import annotations

from django import forms

from engagement.forms import CommunityChoiceField, OrganizationChoiceField, ScopedForm, _organizations
from engagement.models import PilotAssignment, PilotCommunity
from organizations.forms import DateInput

from .models import IncubatedOrganization, Need, Project, ServiceItem


def pilot_choices(user):
    return PilotCommunity.objects.for_user(user).select_related("community__parent").order_by("community__path")


def need_label(need: Need) -> str:
    return f"{need.community.community.name} · {need.get_category_display()} · {need.description[:24]}"


def service_item_label(item: ServiceItem) -> str:
    return f"{item.organization.name} · {item.get_category_display()} · {item.description[:24]}"


class NeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return need_label(obj)


class ServiceItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return service_item_label(obj)


class NeedForm(ScopedForm):
    community = CommunityChoiceField(queryset=PilotCommunity.objects.none())

    class Meta:
        model = Need
        fields = ["community", "category", "source", "recorded_on", "description"]
        widgets = {"recorded_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["community"].label = Need._meta.get_field("community").verbose_name
        self.fields["community"].queryset = pilot_choices(user)


class ServiceItemForm(ScopedForm):
    organization = OrganizationChoiceField()

    class Meta:
        model = ServiceItem
        fields = ["organization", "category", "capacity", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].label = ServiceItem._meta.get_field("organization").verbose_name
        self.fields["organization"].queryset = _organizations(user, self.instance.organization_id)


class ProjectForm(ScopedForm):
    need = NeedChoiceField(queryset=Need.objects.none())
    service_item = ServiceItemChoiceField(queryset=ServiceItem.objects.none())

    class Meta:
        model = Project
        fields = ["need", "service_item", "name", "status", "starts_on", "ends_on", "people_served"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("need", "service_item"):
            self.fields[name].label = Project._meta.get_field(name).verbose_name
        self.fields["need"].queryset = (
            Need.objects.for_user(user)
            .select_related("community__community")
            .order_by("community__community__path", "pk")
        )
        items = ServiceItem.objects.for_user(user).select_related("organization")
        need_pk = None if self.is_bound else self.initial.get("need")
        if need_pk and str(need_pk).isdigit():
            # Opened from a need ("Match with a project"): offer what the
            # organisations serving its community provide. A sent form keeps
            # every visible item, so the service says why another is refused.
            serving = PilotAssignment.objects.filter(community__needs=need_pk).values("organization")
            items = items.filter(organization__in=serving)
        self.fields["service_item"].queryset = items.order_by("organization__name", "category", "pk")


class IncubatedOrganizationForm(ScopedForm):
    community = CommunityChoiceField(queryset=PilotCommunity.objects.none())
    organization = OrganizationChoiceField(required=False)

    class Meta:
        model = IncubatedOrganization
        fields = ["community", "name", "status", "started_on", "registered_on", "organization"]
        widgets = {"started_on": DateInput(), "registered_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("community", "organization"):
            self.fields[name].label = IncubatedOrganization._meta.get_field(name).verbose_name
        self.fields["community"].queryset = pilot_choices(user)
        self.fields["organization"].queryset = _organizations(user, self.instance.organization_id)
