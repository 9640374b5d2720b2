"""What every app's write services share: one typed data class per entity
carries the fields its form edits, and one helper stores them and checks the
actor's scope afterwards.

Lives in accounts, beside the permission rule it asks, because every app
already depends on accounts and accounts on none of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction

from accounts.permissions import Action, require
from accounts.signals import record_saved

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from accounts.models import User

M = TypeVar("M", bound=models.Model)
D = TypeVar("D", bound="DataclassInstance")


def data_from(data_class: type[D], values: Mapping[str, Any]) -> D:
    """Build `data_class` from exactly its fields, as a form's cleaned data.

    Its defaults would silently fill a field the form forgot to send, so a
    form and a data class that name different fields fail here, loudly."""
    names = {field.name for field in dataclasses.fields(data_class)}
    if names != values.keys():
        missing, extra = sorted(names - values.keys()), sorted(values.keys() - names)
        raise TypeError(f"{data_class.__name__}: missing {missing}, unexpected {extra}")
    return data_class(**values)


def data_values(data: DataclassInstance) -> dict[str, Any]:
    """The data class's fields by name. Not `dataclasses.asdict`: that
    deep-copies the model instances the fields hold."""
    return {field.name: getattr(data, field.name) for field in dataclasses.fields(data)}


@transaction.atomic
def record_save(
    *,
    actor: User,
    instance: M,
    values: Mapping[str, Any],
    check: Callable[[M], None] | None = None,
) -> M:
    """Set `values` on `instance`, validate it, run `check` (rules across
    related records) and save it, then re-check that the actor may change it.

    Whatever the form offered, a record that ends up outside the actor's
    scope rolls back: nothing is written. The save is announced with the
    fields' values before it (the audit log records what changed)."""
    before = None if instance._state.adding else _stored_values(instance, values.keys())
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    if check is not None:
        check(instance)
    instance.save()
    require(actor, Action.CHANGE, instance)
    record_saved.send(sender=type(instance), actor=actor, instance=instance, before=before, fields=list(values))
    return instance


def _stored_values(instance: models.Model, names) -> dict[str, Any]:
    # A related record by its key: reading the values costs no query.
    wanted = set(names)
    return {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name in wanted or field.attname in wanted
    }
