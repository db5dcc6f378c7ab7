"""The `caremarket` command: Django's management commands with the project's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    # Production unless told otherwise: `make demo` and `make test` set their own settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv)
    if len(args) > 1:
        # `caremarket demo-data` and `caremarket demo_data` name the same command.
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)
    return 0
