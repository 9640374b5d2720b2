"""Keep the instructors' workload tally true after every single write
(organizations/instructors/workload.py says why it exists and who else writes it).

Signals, as for the stored coverage (organizations/signals.py), because
whoever writes an assignment or an organisation (a service, the admin, a
factory in a test) must leave the tally true in the same transaction.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from ..models import Area, InstructorAssignment, SocialOrganization
from .workload import refresh_for_organizations, refresh_persons

PERSON = ("person_name", "phone", "role")


def _person(assignment: InstructorAssignment) -> tuple[str, str, str]:
    return (assignment.person_name, assignment.phone, assignment.role)


@receiver(pre_save, sender=InstructorAssignment, dispatch_uid="workload_assignment_saving")
def assignment_saving(instance: InstructorAssignment, **kwargs) -> None:
    # An edit may rename the person or change their phone or role: the old person's rows change too.
    instance._person_before = (
        InstructorAssignment.objects.filter(pk=instance.pk).values_list(*PERSON).first() if instance.pk else None
    )


@receiver(post_save, sender=InstructorAssignment, dispatch_uid="workload_assignment_saved")
def assignment_saved(instance: InstructorAssignment, **kwargs) -> None:
    refresh_persons([_person(instance), getattr(instance, "_person_before", None)])


@receiver(post_delete, sender=InstructorAssignment, dispatch_uid="workload_assignment_deleted")
def assignment_deleted(instance: InstructorAssignment, **kwargs) -> None:
    refresh_persons([_person(instance)])


@receiver(pre_save, sender=SocialOrganization, dispatch_uid="workload_organization_saving")
def organization_saving(instance: SocialOrganization, **kwargs) -> None:
    # A new organisation has no assignments yet; an edited one may move district or unit.
    instance._cell_before = (
        SocialOrganization.objects.filter(pk=instance.pk).values_list("area_id", "supervising_unit_id").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=SocialOrganization, dispatch_uid="workload_organization_saved")
def organization_saved(instance: SocialOrganization, **kwargs) -> None:
    before = getattr(instance, "_cell_before", None)
    if before is not None and before != (instance.area_id, instance.supervising_unit_id):
        refresh_for_organizations(SocialOrganization.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Area, dispatch_uid="workload_area_saved")
def area_saved(instance: Area, **kwargs) -> None:
    # An area's rows sum the organisations under it: a subtree moved elsewhere
    # in the tree changes which areas' rows its organisations' persons count in.
    before = getattr(instance, "_path_before", None)  # set by Area.save(), which reads it anyway
    if before is not None and before != instance.path:
        refresh_for_organizations(SocialOrganization.objects.filter(area__path__startswith=instance.path))
