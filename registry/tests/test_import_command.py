"""`manage.py import_register`: exit status and what it prints."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from recipients.models import Role
from registry.management.commands.import_register import Command as ImportRegister
from registry.models import Document
from registry.tests.importing import TITLE_ROWS, xlsx_file
from registry.tests.importing import outgoing_row as row
from tests.factories import UserFactory

ROWS = [row("01/STTTT-VP", "03/08/2021", "Một"), row("02/STTTT-VP", "04/08/2021", "Hai")]


@pytest.fixture
def book(tmp_path):
    def write(rows, name="so-di-2021.xlsx"):
        path = tmp_path / name
        path.write_bytes(xlsx_file(rows, title=TITLE_ROWS).getvalue())
        return path

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_register", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_a_clean_book_is_imported_and_summarised(book, register, clerk):
    out, _err = run(book(ROWS), "--register", register.pk, "--user", clerk.username)
    assert "Imported 2 documents from “so-di-2021.xlsx” into “Sổ văn bản đi”." in out
    assert "numbers up to 2 imported; the next number given is 3." in out
    assert Document.objects.filter(register=register).count() == 2
    assert AuditEvent.objects.get(action="register.import").actor == clerk


@pytest.mark.django_db
def test_a_dry_run_checks_and_writes_nothing(book, register, clerk):
    out, _err = run(book(ROWS), "--register", register.pk, "--user", clerk.username, "--dry-run")
    assert "Checked 2 rows" in out
    assert "dry run" in out
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_bad_book_prints_every_bad_row_and_fails(book, register, clerk):
    rows = [*ROWS, row("03/STTTT-VP", "3/13/2021", "Ba"), row("02/STTTT-VP", "05/08/2021", "")]
    refusal = re.escape("Nothing was imported from “so-di-2021.xlsx”: 2 rows have errors.")
    with pytest.raises(CommandError, match=refusal) as raised:
        run(book(rows), "--register", register.pk, "--user", clerk.username)
    assert raised.value.returncode == 1
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_bad_rows_go_to_stderr_with_their_row_numbers(book, register, clerk):
    rows = [*ROWS, row("03/STTTT-VP", "3/13/2021", "Ba")]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_register",
            str(book(rows)),
            f"--register={register.pk}",
            f"--user={clerk.username}",
            "--no-progress",
            stderr=err,
        )
    assert err.getvalue().splitlines() == ["Row 8, Ngày tháng: “3/13/2021” is not a real date."]


@pytest.mark.django_db
def test_who_imports(book, register, clerk):
    path = book(ROWS)
    with pytest.raises(CommandError, match="--user USERNAME"):
        run(path, "--register", register.pk)  # no superuser to act as
    reporter = UserFactory(organization=register.owner, role=Role.REPORTER)
    with pytest.raises(CommandError, match="Only a clerk"):
        run(path, "--register", register.pk, "--user", reporter.username)
    with pytest.raises(CommandError, match="no active user"):
        run(path, "--register", register.pk, "--user", "nobody")
    with pytest.raises(CommandError, match="no register 999999"):
        run(path, "--register", 999999, "--user", clerk.username)
    with pytest.raises(CommandError, match="Cannot read"):
        run(Path(path).with_name("missing.xlsx"), "--register", register.pk, "--user", clerk.username)
    assert not Document.objects.exists()

    admin = UserFactory(organization=None, is_superuser=True, role=Role.ADMIN)
    run(path, "--register", register.pk)
    assert AuditEvent.objects.get(action="register.import").actor == admin


@pytest.mark.django_db
def test_the_process_exits_with_status_1_when_refused(book, register, clerk, capsys):
    """As from the shell: the refusal is printed on stderr and the exit status is 1."""
    argv = ["manage.py", "import_register", str(book([row("x", "", "")])), f"--register={register.pk}"]
    with pytest.raises(SystemExit) as exited:
        ImportRegister().run_from_argv([*argv, f"--user={clerk.username}", "--no-progress"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Row 6, Số, ký hiệu:" in err
    assert "CommandError: Nothing was imported" in err
