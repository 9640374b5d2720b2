"""Keep the tallies true after every write to a counted record.

Signals rather than a call in each service, for the reason the stored
coverage gives (organizations/signals.py): a tally is a cache of other
tables, and whoever writes them (a service, the admin, a test factory, a
shell) must leave it true, in the same transaction. Bulk writes send no
signals; their paths (the scan, the seeds, the import) rebuild or track
themselves.

pre_save/pre_delete read the figures the record counts for now (a locked,
grouped query on the record's key), post_save/post_delete add the difference.
An organisation or party organisation that moves to another area or unit
takes its records' figures along.
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from coverage.models import EarlyWarning
from engagement.models import Contribution, PilotAssignment, PilotCommunity, PlaqueAward, TrainingBase
from organizations.models import PartyOrganization, SocialOrganization
from ratings.models import Evaluation

from . import tallies
from .families import (
    COMMUNITY_UNITS,
    CONTRIBUTIONS,
    PILOT_COMMUNITIES,
    PILOT_ORGANIZATIONS,
    PLAQUES,
    RATINGS,
    TALLIES,
    TRAINING_BASES,
    WARNINGS,
)

# Records counted one by one, and the fields that place or measure them: a
# save that names other fields only (update_fields) changes no figure.
RECORDS = {
    Evaluation: (RATINGS, {"round", "party_organization", "state", "final_stars"}),
    EarlyWarning: (WARNINGS, {"rule", "area", "supervising_unit", "status", "opened_on", "closed_on"}),
    Contribution: (
        CONTRIBUTIONS,
        {
            "organization",
            "kind",
            "money_yuan",
            "goods_value_yuan",
            "people_helped",
            "is_exemplary_case",
            "teams_sent",
        },
    ),
    TrainingBase: (TRAINING_BASES, {"area", "host_organization", "active", "is_provincial_point"}),
    PilotCommunity: (PILOT_COMMUNITIES, {"community"}),
    PlaqueAward: (PLAQUES, {"organization", "agreement_signed"}),
}
MOVING_FIELDS = ("area_id", "supervising_unit_id")


def record_saving(sender, instance, update_fields=None, **kwargs) -> None:  # noqa: ARG001 (a signal's keywords)
    family, fields = RECORDS[sender]
    if update_fields is None or fields & set(update_fields):
        instance._tally = tallies.track(family, None if instance._state.adding else Q(pk=instance.pk))


def record_saved(sender, instance, **kwargs) -> None:  # noqa: ARG001 (a signal's keywords)
    capture = instance.__dict__.pop("_tally", None)
    if capture is not None:
        tallies.settle(capture, Q(pk=instance.pk))


def record_deleting(sender, instance, **kwargs) -> None:  # noqa: ARG001 (a signal's keywords)
    family, _fields = RECORDS[sender]
    instance._tally = tallies.track(family, Q(pk=instance.pk))


for model in RECORDS:
    uid = f"tally_{model._meta.label_lower}"
    pre_save.connect(record_saving, sender=model, dispatch_uid=f"{uid}_saving")
    post_save.connect(record_saved, sender=model, dispatch_uid=f"{uid}_saved")
    pre_delete.connect(record_deleting, sender=model, dispatch_uid=f"{uid}_deleting")
    post_delete.connect(record_saved, sender=model, dispatch_uid=f"{uid}_deleted")


# --------------------------------------------------------------------------
# Owners: pilot organisations and the communities an industry committee serves
# --------------------------------------------------------------------------


def _serving_organizations(community_id: int) -> list[int]:
    return list(PilotAssignment.objects.filter(community_id=community_id).values_list("organization_id", flat=True))


def assignment_saving(instance: PilotAssignment, **kwargs) -> None:  # noqa: ARG001
    # An edit may hand the assignment to another organisation or community: both change.
    before = None if instance._state.adding else PilotAssignment.objects.filter(pk=instance.pk).values().first()
    instance._tally_before = before or {}


def assignment_saved(instance: PilotAssignment, **kwargs) -> None:  # noqa: ARG001
    before = instance.__dict__.pop("_tally_before", {})
    tallies.refresh_owners(PILOT_ORGANIZATIONS, {instance.organization_id, before.get("organization_id")})
    tallies.refresh_owners(COMMUNITY_UNITS, {instance.community_id, before.get("community_id")})


pre_save.connect(assignment_saving, sender=PilotAssignment, dispatch_uid="tally_assignment_saving")
post_save.connect(assignment_saved, sender=PilotAssignment, dispatch_uid="tally_assignment_saved")
post_delete.connect(assignment_saved, sender=PilotAssignment, dispatch_uid="tally_assignment_deleted")


def pilot_community_saving(instance: PilotCommunity, **kwargs) -> None:  # noqa: ARG001
    if not instance._state.adding:
        before = PilotCommunity.objects.filter(pk=instance.pk).values_list("community_id", flat=True).first()
        instance._tally_moved = before != instance.community_id


def pilot_community_saved(instance: PilotCommunity, **kwargs) -> None:  # noqa: ARG001
    # Its organisations' pilot figures are counted in its community's district.
    if instance.__dict__.pop("_tally_moved", False):
        tallies.refresh_owners(PILOT_ORGANIZATIONS, _serving_organizations(instance.pk))


pre_save.connect(pilot_community_saving, sender=PilotCommunity, dispatch_uid="tally_pilot_community_moving")
post_save.connect(pilot_community_saved, sender=PilotCommunity, dispatch_uid="tally_pilot_community_moved")


# --------------------------------------------------------------------------
# Moves: an organisation or party organisation changes area or unit
# --------------------------------------------------------------------------


def _moved(model, instance) -> bool:
    if instance._state.adding:
        return False
    before = model.objects.filter(pk=instance.pk).values_list(*MOVING_FIELDS).first()
    return before is not None and before != tuple(getattr(instance, name) for name in MOVING_FIELDS)


def organization_saving(instance: SocialOrganization, **kwargs) -> None:  # noqa: ARG001
    if _moved(SocialOrganization, instance):
        instance._tally_move = tallies.organizations_moving([instance.pk])


def organization_saved(instance: SocialOrganization, **kwargs) -> None:  # noqa: ARG001
    move = instance.__dict__.pop("_tally_move", None)
    if move is not None:
        move.done()


def party_organization_saving(instance: PartyOrganization, **kwargs) -> None:  # noqa: ARG001
    if _moved(PartyOrganization, instance):
        instance._tally_moves = [tallies.track(RATINGS, Q(party_organization_id=instance.pk))]


def party_organization_saved(instance: PartyOrganization, **kwargs) -> None:  # noqa: ARG001
    for capture in instance.__dict__.pop("_tally_moves", None) or ():
        tallies.settle(capture)


pre_save.connect(organization_saving, sender=SocialOrganization, dispatch_uid="tally_organization_moving")
post_save.connect(organization_saved, sender=SocialOrganization, dispatch_uid="tally_organization_moved")
pre_save.connect(party_organization_saving, sender=PartyOrganization, dispatch_uid="tally_party_moving")
post_save.connect(party_organization_saved, sender=PartyOrganization, dispatch_uid="tally_party_moved")


# --------------------------------------------------------------------------
# After migrate: tallies created on a database that already holds records
# --------------------------------------------------------------------------


def tallies_after_migrate(apps=None, **kwargs) -> None:  # noqa: ARG001 (a signal's keywords)
    """A deployment that creates the tally tables (or a database restored
    without them) gets them filled at once rather than at the nightly
    rebuild: only when every tally is empty, so an ordinary migrate costs
    four tiny queries. Nothing when the migration left the tables out
    (`migrate dashboard zero`)."""
    if apps is not None:
        try:
            for tally in TALLIES:
                apps.get_model(tally._meta.label)
        except LookupError:
            return
    if not any(tally.objects.exists() for tally in TALLIES):
        tallies.rebuild()
