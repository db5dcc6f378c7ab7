import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caremarket.directory import oruk_check


class Command(BaseCommand):
    help = (
        "Check an Open Referral UK feed as the official validator does (Level 1 and Level 2): this installation's "
        "own (no argument), a feed's base URL, or a folder of mock answers (the validator's own mocks). Exits 1 "
        "when the feed fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("feed", nargs="?", default="", help="a base URL, a folder of mock answers, or nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, feed: str, **options):
        if not feed:
            get, name, fixed = oruk_check.own_feed(), "this installation's feed (/openreferral/)", False
        elif feed.startswith(("http://", "https://")):
            get, name, fixed = oruk_check.http_feed(feed), feed, False
        elif Path(feed).is_dir():
            get, name, fixed = oruk_check.mock_feed(Path(feed)), feed, True
        else:
            raise CommandError(f"{feed} is neither a web address nor a folder")
        report = oruk_check.check(get, feed=name, fixed=fixed)
        self.stdout.write(json.dumps(report.as_dict(), indent=2) if options["json"] else report.text())
        if report.result == "fail":
            raise CommandError("The feed fails the self-check", returncode=1)
