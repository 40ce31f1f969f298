"""The access matrix's rows for dispatch (tests/test_access_matrix.py):
deliveries, obligations, reports and compliance, notifications."""

import datetime

from tests.access_rows import (
    ALL,
    CLERK_OWN,
    LISTED,
    ONLY_ADMINS_OTHER,
    Call,
    Row,
    days,
    extra_recipient,
    notification,
    side_objects,
)
from tests.access_world import pdf

DISPATCH_ROWS: list[Row] = [
    # --- deliveries: "own" the board's plan at the reporter's district, "inbound" Tiền Giang's letter at the board
    Row(
        "deliveries-list",
        "get",
        "/api/v1/deliveries/",
        lambda w, s, u: Call("/api/v1/deliveries/", {"page_size": 500}, target=w.deliveries[s].pk),
        {"own": LISTED, "inbound": "in in out in in", "other": "out out out in in"},
    ),
    Row(
        "deliveries-retrieve",
        "get",
        "/api/v1/deliveries/{id}/",
        lambda w, s, u: Call(f"/api/v1/deliveries/{w.deliveries[s].pk}/"),
        {"own": ALL, "inbound": "200 200 404 200 200", "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "deliveries-acknowledge",
        "post",
        "/api/v1/deliveries/{id}/acknowledge/",
        lambda w, s, u: Call(f"/api/v1/deliveries/{w.deliveries[s].pk}/acknowledge/"),
        # Only people of the recipient receive; an administrator is not one of them.
        {"own": "403 403 200 403 403", "inbound": "200 200 404 403 403", "other": "404 404 404 403 403"},
    ),
    Row(
        "deliveries-register",
        "post",
        "/api/v1/deliveries/{id}/register/",
        lambda w, s, u: Call(f"/api/v1/deliveries/{w.deliveries[s].pk}/register/", {}),
        # Only the recipient's clerk, in the recipient's own incoming register.
        {"own": "403 403 403 403 403", "inbound": "201 403 404 403 403", "other": "404 404 404 403 403"},
    ),
    # --- obligations, reports and compliance: "own" the board asks its districts, "other" Tiền Giang asks its own
    Row(
        "obligations-list",
        "get",
        "/api/v1/obligations/",
        lambda w, s, u: Call("/api/v1/obligations/", {"page_size": 500}, target=side_objects(w, s).obligation.pk),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "obligations-create",
        "post",
        "/api/v1/obligations/",
        lambda w, s, u: Call(
            "/api/v1/obligations/",
            {
                "document": w.documents[f"{s}_issued"].pk,
                "title": "Báo cáo bổ sung số liệu",
                "due_on": days(w, 20),
                "organizations": [(w.district if s == "own" else w.other_district).pk],
            },
            field="document",
        ),
        # The reporter sees the plan (it obliges the district) but does not request reports.
        {"own": "201 403 403 201 201", "other": "400 400 400 201 201"},
    ),
    Row(
        "obligations-from-deadlines",
        "post",
        "/api/v1/obligations/from-deadlines/",
        lambda w, s, u: Call(
            "/api/v1/obligations/from-deadlines/",
            {
                "document": w.documents[f"{s}_issued"].pk,
                "organizations": [(w.district if s == "own" else w.other_district).pk],
            },
            field="document",
        ),
        {"own": "201 403 403 201 201", "other": "400 400 400 201 201"},
    ),
    Row(
        "obligations-retrieve",
        "get",
        "/api/v1/obligations/{id}/",
        lambda w, s, u: Call(f"/api/v1/obligations/{side_objects(w, s).obligation.pk}/"),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-partial-update",
        "patch",
        "/api/v1/obligations/{id}/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{side_objects(w, s).obligation.pk}/", {"title": "Báo cáo sơ kết (sửa)"}
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-due-dates",
        "post",
        "/api/v1/obligations/{id}/due-dates/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{side_objects(w, s).obligation.pk}/due-dates/",
            {"organization": (w.district if s == "own" else w.other_district).pk, "due_on": days(w, 10)},
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-organizations",
        "post",
        "/api/v1/obligations/{id}/organizations/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{side_objects(w, s).obligation.pk}/organizations/",
            {"organizations": [extra_recipient(w, s).pk]},
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-paper-submissions",
        "post",
        "/api/v1/obligations/{id}/paper-submissions/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{side_objects(w, s).obligation.pk}/paper-submissions/",
            {
                "file": [pdf("ban-giay.pdf")],
                "organization": side_objects(w, s).overdue.organization_id,
                "received_at": (w.now - datetime.timedelta(hours=1)).isoformat(),
            },
            multipart=True,
        ),
        {"own": "201 403 403 201 201", "other": "404 404 404 201 201"},
    ),
    Row(
        "obligations-submissions-list",
        "get",
        "/api/v1/obligations/{id}/submissions/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{side_objects(w, s).obligation.pk}/submissions/",
            target=side_objects(w, s).submission.pk,
        ),
        {"own": LISTED, "other": "404 404 404 in in"},
    ),
    Row(
        "obligations-submissions-create",
        "post",
        "/api/v1/obligations/{id}/submissions/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{side_objects(w, s).obligation.pk}/submissions/",
            {"file": [pdf("bao-cao-bo-sung.pdf")], "note": "Bản bổ sung"},
            multipart=True,
        ),
        # Reports come from an obligated organization: not from the requester, a leader or an administrator.
        {"own": "403 403 201 403 403", "other": "404 404 404 403 403"},
    ),
    Row(
        "submissions-retrieve",
        "get",
        "/api/v1/submissions/{id}/",
        lambda w, s, u: Call(f"/api/v1/submissions/{side_objects(w, s).submission.pk}/"),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "submissions-accept",
        "post",
        "/api/v1/submissions/{id}/accept/",
        lambda w, s, u: Call(f"/api/v1/submissions/{side_objects(w, s).submission.pk}/accept/"),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "submissions-return",
        "post",
        "/api/v1/submissions/{id}/return/",
        lambda w, s, u: Call(
            f"/api/v1/submissions/{side_objects(w, s).submission.pk}/return/", {"reason": "Thiếu số liệu"}
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "submissions-file",
        "get",
        "/api/v1/submissions/{id}/files/{attachment_id}/",
        lambda w, s, u: Call(
            f"/api/v1/submissions/{side_objects(w, s).submission.pk}/files/{side_objects(w, s).submission_file.pk}/"
        ),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "compliance-list",
        "get",
        "/api/v1/compliance/",
        lambda w, s, u: Call("/api/v1/compliance/", {"page_size": 500}, target=side_objects(w, s).assignment.pk),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "compliance-obligations",
        "get",
        "/api/v1/compliance/obligations/",
        lambda w, s, u: Call(
            "/api/v1/compliance/obligations/", {"page_size": 500}, target=side_objects(w, s).obligation.pk
        ),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "compliance-organizations",
        "get",
        "/api/v1/compliance/organizations/",
        lambda w, s, u: Call(
            "/api/v1/compliance/organizations/",
            {"page_size": 500},
            target=(w.district if s == "own" else w.other_district).pk,
            key="organization",
        ),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "compliance-overdue",
        "get",
        "/api/v1/compliance/overdue/",
        lambda w, s, u: Call("/api/v1/compliance/overdue/", {"page_size": 500}, target=side_objects(w, s).overdue.pk),
        # The overdue district is a sibling of the reporter's: not theirs to see.
        {"own": "in in out in in", "other": "out out out in in"},
    ),
    Row(
        "compliance-export",
        "get",
        "/api/v1/compliance/export.xlsx",
        lambda w, s, u: Call("/api/v1/compliance/export.xlsx", {"obligation": side_objects(w, s).obligation.pk}),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    # --- notifications: "own" the caller's, "other" someone else's
    Row(
        "notifications-list",
        "get",
        "/api/v1/notifications/",
        lambda w, s, u: Call("/api/v1/notifications/", {"page_size": 500}, target=notification(w, s, u).pk),
        {"own": LISTED, "other": "out out out out out"},
    ),
    Row(
        "notifications-read",
        "post",
        "/api/v1/notifications/{id}/read/",
        lambda w, s, u: Call(f"/api/v1/notifications/{notification(w, s, u).pk}/read/"),
        {"own": ALL, "other": "404 404 404 404 404"},
    ),
]
