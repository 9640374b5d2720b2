from django.core.management.base import BaseCommand

from accounts.lockout import lockout_clear


class Command(BaseCommand):
    help = "Unlock an account locked after failed logins (forgets its failures)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        forgotten = lockout_clear(username=username)
        self.stdout.write(f"{username}: {forgotten} failed login(s) forgotten.")
