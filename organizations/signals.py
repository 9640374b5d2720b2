"""Keep each organisation's stored coverage true after every write.

Signals rather than calls in each service because the stored answer is a
cache of other tables: whoever writes a party organisation, its covered
organisations, an instructor assignment or the organisation itself (a
service, the admin, a test factory, a shell) must leave it true, in the same
transaction. Bulk writes (bulk_create, QuerySet.update) send no signals;
the paths that use them (the import, the seeds) call refresh_coverage
themselves.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from .coverage_state import refresh_coverage
from .models import InstructorAssignment, PartyOrganization, SocialOrganization

# Receivers take keyword arguments only (Django sends sender, signal and the
# rest by name), so each names just what it reads.

Through = PartyOrganization.organizations.through


def _refresh(organization_ids) -> None:
    ids = {pk for pk in organization_ids if pk is not None}
    if ids:
        refresh_coverage(SocialOrganization.objects.filter(pk__in=ids))


def _covered_ids(party_organization_id: int) -> list[int]:
    return list(
        Through.objects.filter(partyorganization_id=party_organization_id).values_list(
            "socialorganization_id", flat=True
        )
    )


@receiver(post_save, sender=SocialOrganization, dispatch_uid="coverage_state_organization_saved")
def organization_saved(instance: SocialOrganization, **kwargs) -> None:
    # Head count, status and dates all enter the stored answer.
    _refresh([instance.pk])


@receiver(post_save, sender=PartyOrganization, dispatch_uid="coverage_state_party_saved")
def party_organization_saved(instance: PartyOrganization, created: bool, **kwargs) -> None:
    # A new one covers nobody until its organisations are added (m2m_changed).
    if not created:
        _refresh(_covered_ids(instance.pk))


@receiver(pre_delete, sender=PartyOrganization, dispatch_uid="coverage_state_party_deleting")
def party_organization_deleting(instance: PartyOrganization, **kwargs) -> None:
    instance._covered_before_delete = _covered_ids(instance.pk)


@receiver(post_delete, sender=PartyOrganization, dispatch_uid="coverage_state_party_deleted")
def party_organization_deleted(instance: PartyOrganization, **kwargs) -> None:
    _refresh(getattr(instance, "_covered_before_delete", []))


@receiver(m2m_changed, sender=Through, dispatch_uid="coverage_state_covered_changed")
def covered_organizations_changed(instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action == "pre_clear":
        # After the clear the links are gone: remember whom they covered.
        instance._covered_before_clear = [instance.pk] if reverse else _covered_ids(instance.pk)
        return
    if action == "post_clear":
        _refresh(getattr(instance, "_covered_before_clear", []))
    elif action in ("post_add", "post_remove"):
        # Forward (party.organizations.add) the set holds organisations;
        # reverse (organization.party_organizations.add) the instance is one.
        _refresh([instance.pk] if reverse else (pk_set or []))


@receiver(pre_save, sender=InstructorAssignment, dispatch_uid="coverage_state_assignment_saving")
def assignment_saving(instance: InstructorAssignment, **kwargs) -> None:
    # An edit may move the assignment to another organisation: both change.
    instance._organization_before = (
        InstructorAssignment.objects.filter(pk=instance.pk).values_list("organization_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=InstructorAssignment, dispatch_uid="coverage_state_assignment_saved")
def assignment_saved(instance: InstructorAssignment, **kwargs) -> None:
    _refresh([instance.organization_id, getattr(instance, "_organization_before", None)])


@receiver(post_delete, sender=InstructorAssignment, dispatch_uid="coverage_state_assignment_deleted")
def assignment_deleted(instance: InstructorAssignment, **kwargs) -> None:
    _refresh([instance.organization_id])
