"""Production settings: the deploy check, the switches the environment makes
(S3 media, Redis cache and sessions, HTTPS), the Content Security Policy every
page lives under, and uploaded files reachable only through permission checks."""

import datetime
import json
import os
import re
import runpy
import socket
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
import django_htmx
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.templatetags.static import static
from django.test import Client, override_settings
from moto import mock_aws

from dispatch.services import obligation_create
from recipients.models import Role
from registry.services import document_issue
from tests.factories import OrganizationFactory, UserFactory

BASE_DIR = Path(django_settings.BASE_DIR)
SETTINGS_FILE = BASE_DIR / "config" / "settings.py"
PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# The environment README.md ("Production") documents for the deploy check.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "4sWq9-Lr2Zb8nV1xKt7Yc0Pe5Hj3Ug6Mf_Dk2Ra9Nw8Sx1Ql7Tz4Bv0Co3Ei6Gy",
    "ALLOWED_HOSTS": "docreg.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://docreg.example.gov.vn",
    "EMAIL_HOST": "smtp.example.gov.vn",
}

S3_ENV = {
    "DOCREG_S3_BUCKET": "docreg-files",
    "DOCREG_S3_PREFIX": "docreg/",
    "DOCREG_S3_REGION": "us-east-1",
    "DOCREG_S3_ACCESS_KEY_ID": "testing-key",
    "DOCREG_S3_SECRET_ACCESS_KEY": "testing-secret",
}


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A process environment with none of the caller's docreg or Django variables."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "SYSTEMROOT") if key in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DOCREG_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def _settings_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    """config/settings.py evaluated afresh with exactly this environment."""
    for key in list(os.environ):
        if key.startswith(("DOCREG_", "EMAIL_", "SECURE_", "DATABASE_")) or key in {
            "DEBUG",
            "REDIS_URL",
            "SECRET_KEY",
            "STATIC_ROOT",
            "MEDIA_ROOT",
        }:
            monkeypatch.delenv(key)
    for key, value in {"DOCREG_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "x" * 50, **env}.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SETTINGS_FILE), run_name="docreg_settings_probe")


def _deploy_check(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_deploy_check_passes_with_the_documented_production_environment(tmp_path):
    result = _deploy_check(tmp_path, PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_deploy_check_refuses_mail_that_would_only_be_printed(tmp_path):
    """GIVEN production without EMAIL_HOST, WHEN checked for deployment, THEN
    the console mail backend is reported: reminders would never reach anyone."""
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "EMAIL_HOST"}
    result = _deploy_check(tmp_path, env)
    assert result.returncode != 0
    assert "mail.E001" in result.stderr
    assert "security." not in result.stderr


def test_https_is_on_unless_debug_and_can_be_switched_off(monkeypatch, tmp_path):
    production = _settings_with(monkeypatch, tmp_path, DEBUG="0")
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert "SECURE_PROXY_SSL_HEADER" not in production

    behind_proxy = _settings_with(
        monkeypatch, tmp_path, DEBUG="0", DOCREG_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_HSTS_SECONDS="600"
    )
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert behind_proxy["SECURE_HSTS_SECONDS"] == 600

    laptop = _settings_with(monkeypatch, tmp_path, DEBUG="1")
    assert (laptop["SECURE_SSL_REDIRECT"], laptop["SESSION_COOKIE_SECURE"], laptop["SECURE_HSTS_SECONDS"]) == (
        False,
        False,
        0,
    )
    plain = _settings_with(monkeypatch, tmp_path, DEBUG="0", DOCREG_HTTPS="0")
    assert (plain["SECURE_SSL_REDIRECT"], plain["SECURE_HSTS_SECONDS"]) == (False, 0)


def test_media_storage_and_cache_follow_the_environment(monkeypatch, tmp_path):
    local = _settings_with(monkeypatch, tmp_path, DEBUG="0")
    assert local["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert local["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert local["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"

    shared = _settings_with(
        monkeypatch,
        tmp_path,
        DEBUG="0",
        REDIS_URL="redis://cache.internal:6379/1",
        DOCREG_S3_ENDPOINT_URL="https://s3.example.gov.vn",
        **S3_ENV,
    )
    media = shared["STORAGES"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"] == {
        "bucket_name": "docreg-files",
        "location": "docreg",
        "endpoint_url": "https://s3.example.gov.vn",
        "region_name": "us-east-1",
        "access_key": "testing-key",
        "secret_key": "testing-secret",
        "addressing_style": None,
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "custom_domain": None,
    }
    cache = shared["CACHES"]["default"]
    assert (cache["BACKEND"], cache["LOCATION"]) == (
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/1",
    )
    assert shared["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"

    debug = _settings_with(monkeypatch, tmp_path, DEBUG="1")
    assert debug["STORAGES"]["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_postgresql_sessions_read_ahead_as_the_environment_says(monkeypatch, tmp_path):
    """GIVEN PostgreSQL, WHEN DATABASE_IO_CONCURRENCY is unset, a number or “server”,
    THEN each connection sets effective_io_concurrency to 200, to that number, or
    leaves the server's own; anything else is refused. SQLite has no such option."""
    url = "postgres://docreg@db.internal:5432/docreg?sslmode=require"
    default = _settings_with(monkeypatch, tmp_path, DATABASE_URL=url)["DATABASES"]["default"]["OPTIONS"]
    assert default["options"] == "-c effective_io_concurrency=200"
    # What the address and the prepared statements asked for stays.
    assert (default["sslmode"], default["server_side_binding"]) == ("require", True)
    for value, expected in [("0", 0), (" 32 ", 32), ("1000", 1000)]:
        chosen = _settings_with(monkeypatch, tmp_path, DATABASE_URL=url, DATABASE_IO_CONCURRENCY=value)
        assert chosen["DATABASES"]["default"]["OPTIONS"]["options"] == f"-c effective_io_concurrency={expected}"
    server = _settings_with(monkeypatch, tmp_path, DATABASE_URL=url, DATABASE_IO_CONCURRENCY="server")
    assert "options" not in server["DATABASES"]["default"]["OPTIONS"]
    for wrong in ["many", "-1", "1001", "2.5"]:
        with pytest.raises(ImproperlyConfigured, match="DATABASE_IO_CONCURRENCY must be a whole number"):
            _settings_with(monkeypatch, tmp_path, DATABASE_URL=url, DATABASE_IO_CONCURRENCY=wrong)
    sqlite = _settings_with(monkeypatch, tmp_path, DATABASE_IO_CONCURRENCY="32")["DATABASES"]["default"]["OPTIONS"]
    assert "options" not in sqlite


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_test_database_session_reads_ahead():
    with connection.cursor() as cursor:
        cursor.execute("SHOW effective_io_concurrency")
        assert cursor.fetchone() == (str(django_settings.IO_CONCURRENCY),)


def _redis_listening(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.django_db
def test_sessions_live_in_the_shared_redis_cache(monkeypatch, tmp_path, clerk):
    """GIVEN REDIS_URL, WHEN a user signs in on one app server, THEN another
    reading the same Redis (a new client, a new cache connection) knows the session."""
    url = os.environ.get("DOCREG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not _redis_listening(url):
        pytest.skip(f"no Redis at {url} (set DOCREG_TEST_REDIS_URL)")
    shared = _settings_with(monkeypatch, tmp_path, DEBUG="0", REDIS_URL=url)
    shared_caches = {"default": {**shared["CACHES"]["default"], "KEY_PREFIX": f"docreg-test-{os.getpid()}"}}
    with override_settings(CACHES=shared_caches, SESSION_ENGINE=shared["SESSION_ENGINE"]):
        first = Client()
        first.force_login(clerk)
        key = first.cookies[django_settings.SESSION_COOKIE_NAME].value
        assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None
        caches.close_all()
        second = Client()
        second.cookies[django_settings.SESSION_COOKIE_NAME] = key
        response = second.get("/api/v1/me/")
        assert response.status_code == 200, response.content
        assert response.json()["username"] == clerk.username
        cache.delete(f"django.contrib.sessions.cached_db{key}")


class _PageParts(HTMLParser):
    """The scripts, style elements and style attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.styles: list[dict[str, str | None]] = []
        self.style_attributes: list[str] = []
        self._open: list[str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "style" in found:
            self.style_attributes.append(f"<{tag} style={found['style']!r}>")
        if tag in {"script", "style"}:
            found["_body"] = ""
            (self.scripts if tag == "script" else self.styles).append(found)
            self._open = [tag]

    def handle_data(self, data: str) -> None:
        if self._open:
            target = self.scripts if self._open[0] == "script" else self.styles
            target[-1]["_body"] = (target[-1]["_body"] or "") + data

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def _nonce(response: Any) -> str | None:
    """The nonce of the response's policy; there is none when the page used none."""
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"])
    return match.group(1) if match else None


def assert_nothing_inline_without_the_nonce(response: Any) -> _PageParts:
    """Every inline script and style element carries the response's nonce, no
    element has a style attribute, and no script runs from an event attribute."""
    assert response.status_code == 200
    html = response.content.decode()
    parts = _PageParts()
    parts.feed(html)
    nonce = _nonce(response)
    executable = {None, "", "text/javascript", "module", "application/javascript"}
    for script in parts.scripts:
        inline = not script.get("src") and script.get("type") in executable and (script["_body"] or "").strip()
        if inline:
            assert nonce is not None, script
            assert script.get("nonce") == nonce, script
    for style in parts.styles:
        assert nonce is not None, style
        assert style.get("nonce") == nonce, style
    assert parts.style_attributes == []
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "inline event handler"
    return parts


def test_every_response_carries_a_strict_policy(client):
    response = client.get("/accounts/login/")
    policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert (policy["base-uri"], policy["form-action"]) == ("'self'", "'self'")
    assert_nothing_inline_without_the_nonce(response)
    # The same policy everywhere; a page that uses the nonce (htmx's script tag) names it.
    without_nonce = re.compile(r" 'nonce-[^']+'")
    api_policy = client.get("/api/v1/me/")["Content-Security-Policy"]
    assert without_nonce.sub("", api_policy) == without_nonce.sub("", response["Content-Security-Policy"])


@pytest.mark.django_db
def test_admin_pages_run_under_the_policy(client, admin_client):
    assert_nothing_inline_without_the_nonce(client.get("/admin/login/"))
    admin_client.get("/admin/")
    changelist = admin_client.get("/admin/registry/document/")
    parts = assert_nothing_inline_without_the_nonce(changelist)
    assert any(script.get("src", "").endswith(".js") for script in parts.scripts)
    assert_nothing_inline_without_the_nonce(admin_client.get("/admin/recipients/organization/add/"))


def test_swagger_ui_runs_under_the_policy(client):
    response = client.get("/api/docs/")
    parts = assert_nothing_inline_without_the_nonce(response)
    nonce = _nonce(response)
    inline = [script for script in parts.scripts if not script.get("src")]
    assert len(inline) == 1, "Swagger UI is started by its inline script"
    assert nonce is not None
    assert inline[0]["nonce"] == nonce
    assert "SwaggerUIBundle(" in (inline[0]["_body"] or "")
    assert parts.styles == []
    assert any(script.get("src", "").endswith("swagger-ui-bundle.js") for script in parts.scripts)


@pytest.mark.django_db
def test_compliance_pages_run_under_the_policy(client, clerk, leader, make_draft):
    """The progress bars, sized per status, need no inline style."""
    document = document_issue(document=make_draft(), actor=clerk)
    districts = [OrganizationFactory(name=f"Huyện {n}", abbreviation=f"H{n}") for n in range(3)]
    obligation = obligation_create(
        document=document,
        actor=clerk,
        title="Báo cáo kết quả thực hiện",
        due_on=datetime.date(2099, 12, 31),
        organizations=districts,
    )
    client.force_login(leader)
    dashboard = client.get("/compliance/")
    assert_nothing_inline_without_the_nonce(dashboard)
    assert 'class="progress__segment status--pending" width="100.000%"' in dashboard.content.decode()
    assert_nothing_inline_without_the_nonce(client.get(f"/compliance/obligations/{obligation.pk}/"))


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_uploaded_files_are_not_served_under_media_url(settings, tmp_path, clerk_api, make_draft, debug):
    """GIVEN an attachment on disk, WHEN its path is asked for under MEDIA_URL
    (in DEBUG too), THEN nothing is served: only the checked API view reads it."""
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = debug
    document = make_draft()
    url = f"/api/v1/documents/{document.pk}/attachments/"
    uploaded = clerk_api.post(url, {"file": SimpleUploadedFile("cong-van.pdf", PDF_BYTES)})
    assert uploaded.status_code == 201, uploaded.content
    name = document.attachments.get().file.name
    assert (tmp_path / name).read_bytes() == PDF_BYTES

    for path in (f"{settings.MEDIA_URL}{name}", f"/static/../media/{name}", f"{settings.STATIC_URL}{name}"):
        response = Client().get(path)
        assert response.status_code == 404, path
        assert PDF_BYTES not in b"".join(getattr(response, "streaming_content", [response.content]))
    assert clerk_api.get(f"{url}{uploaded.json()['id']}/").status_code == 200


@pytest.mark.django_db
def test_attachments_round_trip_through_s3(monkeypatch, tmp_path, settings, clerk_api, make_draft):
    """GIVEN the S3 variables, WHEN a clerk attaches a file and downloads it,
    THEN the bytes live in the private bucket, not on disk, and come back
    through the API view itself rather than a redirect to the bucket."""
    configured = _settings_with(monkeypatch, tmp_path, DEBUG="0", **S3_ENV)
    settings.MEDIA_ROOT = tmp_path / "media"
    with mock_aws():
        s3 = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="testing-key", aws_secret_access_key="testing-secret"
        )
        s3.create_bucket(Bucket="docreg-files")
        settings.STORAGES = {**django_settings.STORAGES, "default": configured["STORAGES"]["default"]}
        document = make_draft()
        url = f"/api/v1/documents/{document.pk}/attachments/"
        uploaded = clerk_api.post(url, {"file": SimpleUploadedFile("cong-van.pdf", PDF_BYTES)})
        assert uploaded.status_code == 201, uploaded.content

        attachment = document.attachments.get()
        key = f"docreg/{attachment.file.name}"
        assert [item["Key"] for item in s3.list_objects_v2(Bucket="docreg-files")["Contents"]] == [key]
        assert s3.get_object(Bucket="docreg-files", Key=key)["Body"].read() == PDF_BYTES
        grants = s3.get_object_acl(Bucket="docreg-files", Key=key)["Grants"]
        assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)
        assert not (tmp_path / "media").exists()

        download = clerk_api.get(f"{url}{uploaded.json()['id']}/")
        assert download.status_code == 200
        assert "Location" not in download
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert "cong-van.pdf" in download["Content-Disposition"]

        # The same file attached again is stored once (content-addressed).
        again = clerk_api.post(url, {"file": SimpleUploadedFile("ban-sao.pdf", PDF_BYTES)})
        assert again.status_code == 201
        assert len(s3.list_objects_v2(Bucket="docreg-files")["Contents"]) == 1

        stranger = Client()
        stranger.force_login(UserFactory(role=Role.CLERK))
        assert stranger.get(f"{url}{uploaded.json()['id']}/").status_code == 404
        assert default_storage.exists(attachment.file.name)
        assert default_storage.save("probe.txt", ContentFile(b"x")) == "probe.txt"


def test_whitenoise_serves_collected_files_under_hashed_names(tmp_path, client):
    """GIVEN collectstatic with the production storage, THEN pages link to
    content-hashed names and WhiteNoise serves them, compressed and cacheable for good."""
    root = tmp_path / "static"
    production = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=production,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        # Our own folder and htmx's only: compressing the other apps' files
        # (Swagger UI's among them) takes minutes, and the login page needs none of them.
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STATICFILES_DIRS=[*django_settings.STATICFILES_DIRS, Path(django_htmx.__file__).parent / "static"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((root / "staticfiles.json").read_text())
        hashed = static("css/docreg.css")
        assert hashed == f"/static/{manifest['paths']['css/docreg.css']}" != "/static/css/docreg.css"
        page = Client().get("/accounts/login/")
        assert hashed in page.content.decode()

        served = Client().get(hashed, headers={"accept-encoding": "gzip"})
        assert served.status_code == 200
        assert served["Content-Encoding"] == "gzip"
        assert "immutable" in served["Cache-Control"]
        assert Client().get("/static/css/not-there.css").status_code == 404
