from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ui.filters import FilterSet, SearchFilter
from xian_partybuild import clock

from ..models import InstructorAssignment

SERVING, ENDED = "serving", "ended"


class AssignmentFilter(FilterSet):
    q = SearchFilter(label=_("Name or phone"), fields=("person_name", "phone"))
    organization = SearchFilter(label=_("Organisation"), fields=("organization__name",))
    role = django_filters.ChoiceFilter(label=_("Role"), choices=InstructorAssignment.Role.choices)
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=((SERVING, _("Serving today")), (ENDED, _("Ended"))), method="filter_state"
    )

    class Meta:
        model = InstructorAssignment
        fields = ["q", "organization", "role", "state"]

    def filter_state(self, qs, name, value):  # noqa: ARG002 (django-filter calls method= filters with the field name)
        today = clock.today()
        serving = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        return qs.filter(serving) if value == SERVING else qs.exclude(serving) if value == ENDED else qs
