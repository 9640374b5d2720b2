"""Forms validate input and say where it is wrong; the services do the writing.

Every related-record choice is built from the user's scoped queryset.
"""

from __future__ import annotations

from django import forms

from organizations.autocomplete import organization_label, pickable_organizations
from organizations.forms import DateInput
from organizations.models import Area, SocialOrganization
from ui.forms import BoundedInputMixin
from ui.widgets import SEARCH_PLACEHOLDER, PickerChoiceField

from .autocomplete import assignable_pilots, community_label, new_pilot_communities, plaque_pilots
from .models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase, TrainingSession


class OrganizationChoiceField(PickerChoiceField):
    """A picker over the user's active organisations: never a list of them all."""

    def __init__(self, **kwargs):
        kwargs.setdefault("url", "organizations:autocomplete-organizations")
        kwargs.setdefault("placeholder", SEARCH_PLACEHOLDER)
        super().__init__(label_from=organization_label, **kwargs)


class CommunityChoiceField(forms.ModelChoiceField):
    """Community names repeat across sub-districts: show the sub-district too."""

    def label_from_instance(self, obj) -> str:
        return community_label(obj)


class CommunityPickerField(PickerChoiceField):
    """A picker over communities (or pilot communities), labelled like CommunityChoiceField."""

    def __init__(self, **kwargs):
        super().__init__(label_from=community_label, **kwargs)


def _organizations(user, current_pk: int | None):
    # Active organisations can be chosen; the current one stays valid even
    # when deregistered so that editing does not drop it silently.
    chosen = pickable_organizations(user)
    if current_pk:
        chosen = chosen | SocialOrganization.objects.for_user(user).filter(pk=current_pk)
    return chosen.select_related("area").order_by("name", "pk")


class ScopedForm(BoundedInputMixin, forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class TrainingBaseForm(ScopedForm):
    host_organization = OrganizationChoiceField(required=False)

    class Meta:
        model = TrainingBase
        fields = [
            "name",
            "host_organization",
            "host_name",
            "area",
            *TrainingBase.FUNCTION_FIELDS.values(),
            "is_provincial_point",
            "active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["host_organization"].label = TrainingBase._meta.get_field("host_organization").verbose_name
        self.fields["host_organization"].queryset = _organizations(user, self.instance.host_organization_id)
        self.fields["area"].queryset = Area.objects.for_user(user).registration_areas()


class TrainingSessionForm(ScopedForm):
    class Meta:
        model = TrainingSession
        fields = ["base", "held_on", "topic", "attendees", "new_secretaries"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        bases = TrainingBase.objects.for_user(user)
        current = self.instance.base_id if self.instance.pk else None
        self.fields["base"].queryset = (bases.filter(active=True) | bases.filter(pk=current)).order_by("name")


class PilotCommunityForm(ScopedForm):
    community = CommunityPickerField(url="engagement:autocomplete-communities")

    class Meta:
        model = PilotCommunity
        fields = ["community", "selected_on", "plan_note"]
        widgets = {"selected_on": DateInput(), "plan_note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["community"].label = PilotCommunity._meta.get_field("community").verbose_name
        # Communities not yet in the pilot, and the one this record already holds.
        communities = Area.objects.for_user(user).filter(level=Area.Level.COMMUNITY)
        self.fields["community"].queryset = (
            (new_pilot_communities(user) | communities.filter(pk=self.instance.community_id))
            .select_related("parent")
            .order_by("path")
        )


class PilotAssignmentForm(ScopedForm):
    organization = OrganizationChoiceField()
    community = CommunityPickerField(url="engagement:autocomplete-assignable-pilots")

    class Meta:
        model = PilotAssignment
        fields = ["community", "organization", "selected_on", "star_level_at_selection"]
        widgets = {"selected_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("organization", "community"):
            self.fields[name].label = PilotAssignment._meta.get_field(name).verbose_name
        self.fields["organization"].queryset = _organizations(user, self.instance.organization_id)
        self.fields["community"].queryset = assignable_pilots(user)


class PlaqueAwardForm(ScopedForm):
    organization = OrganizationChoiceField()
    community = CommunityPickerField(url="engagement:autocomplete-plaque-pilots", required=False)

    class Meta:
        model = PlaqueAward
        fields = ["organization", "community", "awarded_on", "place", "agreement_signed"]
        widgets = {"awarded_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("organization", "community"):
            self.fields[name].label = PlaqueAward._meta.get_field(name).verbose_name
        self.fields["organization"].queryset = _organizations(user, self.instance.organization_id)
        self.fields["community"].queryset = plaque_pilots(user)


class ContributionForm(ScopedForm):
    organization = OrganizationChoiceField()

    class Meta:
        model = Contribution
        fields = [
            "organization",
            "kind",
            "made_on",
            "money_yuan",
            "goods_value_yuan",
            "people_helped",
            "teams_sent",
            "is_exemplary_case",
            "description",
        ]
        widgets = {"made_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].label = Contribution._meta.get_field("organization").verbose_name
        self.fields["organization"].queryset = _organizations(user, self.instance.organization_id)
