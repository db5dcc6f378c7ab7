from django.core.management.base import BaseCommand, CommandError

from caremarket.accounts import services
from caremarket.accounts.models import User


class Command(BaseCommand):
    help = "Give an installation staff member a new second factor; prints the URI for their authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_staff=True).first()
        if user is None:
            raise CommandError(f"No installation staff member signs in with {email}")
        self.stdout.write(services.staff_totp_set(user=user))
