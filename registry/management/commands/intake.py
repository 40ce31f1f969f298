"""`manage.py intake FILE... [--json]`: read document files into intake objects.

With --json it prints a JSON array, one object per file in the order given, in the CONTRACT's
intake format; without, a few lines per file for people. A bad file (missing, binary, a format
whose reader is not installed) gives an object with a warning, never a traceback, and the
command still succeeds: only a call without any file is an error.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.intake import Intake
from registry.intake.files import read_file


def summary(result: Intake) -> list[str]:
    """A few lines saying what was read from one file."""
    issuer = result["issuer"]["name"] or "?"
    if result["issuer"]["parent"]:
        issuer = f"{result['issuer']['parent']} / {issuer}"
    head = ", ".join(
        str(value)
        for value in (result["system"], result["doc_type"], result["notation"], result["date"], issuer)
        if value is not None
    )
    lines = [f"{result['source']}: {head}"]
    if result["subject"]:
        lines.append(f"  subject: {result['subject']}")
    lines.append(
        f"  {len(result['addressees'])} addressees, {len(result['distribution'])} in distribution, "
        f"{len(result['references'])} references, {len(result['deadlines'])} deadlines"
    )
    lines.extend(f"  deadline {item['date']} ({item['kind']}): {item['text']}" for item in result["deadlines"])
    lines.extend(f"  warning: {warning}" for warning in result["warnings"])
    return lines


class Command(BaseCommand):
    help = "Reads document texts (.txt; .docx and .pdf when python-docx and pypdf are installed) into intake objects."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", metavar="FILE", help="document files to read")
        parser.add_argument("--json", action="store_true", help="print a JSON array of intake objects")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["files"]:
            raise CommandError("Give at least one FILE to read.")
        results = [read_file(Path(name)) for name in options["files"]]
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
            return
        for result in results:
            self.stdout.write("\n".join(summary(result)))
