"""Numbers too large for an id column are the client's mistake: 400 or 404, never 500."""

import pytest

HUGE = "99999999999999999999999"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/documents/?issuer={HUGE}",
        f"/api/v1/documents/?register={HUGE}",
        f"/api/v1/organizations/?parent={HUGE}",
        f"/api/v1/groups/?owner={HUGE}",
        f"/api/v1/registers/?owner={HUGE}",
        f"/api/v1/compliance/?obligation={HUGE}",
        f"/api/v1/compliance/?organization={HUGE}",
        f"/api/v1/obligations/?document={HUGE}",
        f"/api/v1/deliveries/?recipient={HUGE}",
        "/api/v1/compliance/?obligation=1.5",
    ],
)
def test_huge_ids_in_filters_are_400(clerk_api, url):
    response = clerk_api.get(url)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/documents/{HUGE}/",
        f"/api/v1/obligations/{HUGE}/",
        f"/api/v1/documents/{HUGE}/deadlines/",
        f"/compliance/obligations/{HUGE}/",
    ],
)
def test_huge_ids_in_paths_are_404(clerk_api, clerk, client, url):
    client.force_login(clerk)
    response = (client if url.startswith("/compliance") else clerk_api).get(url)
    assert response.status_code == 404


@pytest.mark.django_db
def test_huge_ids_in_bodies_are_400(clerk_api, register):
    body = {"register": register.pk, "doc_type": "CV", "subject": "Thử", "addressees": [{"organization": int(HUGE)}]}
    response = clerk_api.post("/api/v1/documents/", body, format="json")
    assert response.status_code == 400, response.content
    response = clerk_api.post(
        "/api/v1/obligations/", {"document": int(HUGE), "title": "x", "due_on": "2026-01-01"}, format="json"
    )
    assert response.status_code == 400, response.content
