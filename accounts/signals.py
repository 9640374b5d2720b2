"""Signals accounts sends for others to record (the audit log listens).

Signals rather than calls, because apps depend on accounts and accounts on
none of them (permissions.py): the services' shared save step and the
lock-out announce what happened, and whoever keeps the record listens.
"""

from django.dispatch import Signal

# record_save stored a record: actor, instance, before (the changed fields'
# stored values before the save, None for a new record), fields (names it set).
record_saved = Signal()
# A login was refused because its name or address is locked: request, username.
locked_out = Signal()
