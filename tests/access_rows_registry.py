"""The access matrix's rows for the registry (tests/test_access_matrix.py):
signing in, the directory, registers and documents."""

from tests.access_rows import (
    ALL,
    CLERK_OWN,
    LIST,
    LISTED,
    ONLY_ADMINS_OTHER,
    READ,
    Call,
    Row,
    document_create,
    extra_recipient,
    pick,
    side_objects,
)
from tests.access_world import pdf
from tests.factories import PASSWORD

REGISTRY_ROWS: list[Row] = [
    # --- authentication and the signed-in user
    Row(
        "auth-token",
        "post",
        "/api/v1/auth/token/",
        lambda w, s, u: Call(
            "/api/v1/auth/token/",
            {"username": u.username, "password": PASSWORD} if u else {"username": "vanthu", "password": "sai"},
            field="non_field_errors",
        ),
        {"self": ALL},
        anonymous="400",
        refusal_audited=True,
    ),
    Row("me", "get", "/api/v1/me/", lambda w, s, u: Call("/api/v1/me/"), {"self": ALL}),
    Row(
        "intake",
        "post",
        "/api/v1/intake/",
        lambda w, s, u: Call("/api/v1/intake/", {"text": "TỈNH ỦY KIÊN GIANG\nSố 95-KH/TU\nKẾ HOẠCH\nTổng kết"}),
        {"any": ALL},
    ),
    Row(
        "intake-suggestions",
        "post",
        "/api/v1/intake/suggestions/",
        lambda w, s, u: Call(
            "/api/v1/intake/suggestions/", {"text": "TỈNH ỦY KIÊN GIANG\nSố 95-KH/TU\nKẾ HOẠCH\nTổng kết"}
        ),
        {"any": ALL},
    ),
    # --- the directory
    Row(
        "organizations-list",
        "get",
        "/api/v1/organizations/",
        lambda w, s, u: Call(
            "/api/v1/organizations/",
            {"page_size": 500},
            target=(w.province if s == "own" else w.other_province).pk,
        ),
        {"own": LISTED, "other": LISTED},
    ),
    Row(
        "organizations-create",
        "post",
        "/api/v1/organizations/",
        lambda w, s, u: Call(
            "/api/v1/organizations/",
            {
                "name": "Trung tâm Chính trị huyện",
                "abbreviation": "TTCT",
                "system": "party",
                "level": "district",
                "parent": (w.province if s == "own" else w.other_province).pk,
            },
        ),
        # Clerks meet new senders every day, wherever they are.
        {"own": "201 403 403 201 201", "other": "201 403 403 201 201"},
    ),
    Row(
        "organizations-retrieve",
        "get",
        "/api/v1/organizations/{id}/",
        lambda w, s, u: Call(f"/api/v1/organizations/{(w.province if s == 'own' else w.other_province).pk}/"),
        {"own": ALL, "other": ALL},
    ),
    Row(
        "organizations-partial-update",
        "patch",
        "/api/v1/organizations/{id}/",
        lambda w, s, u: Call(
            f"/api/v1/organizations/{(w.province if s == 'own' else w.other_province).pk}/",
            {"email": "vanphong@example.vn"},
        ),
        {"own": "403 403 403 200 200", "other": "403 403 403 200 200"},
    ),
    Row(
        "groups-list",
        "get",
        "/api/v1/groups/",
        lambda w, s, u: Call("/api/v1/groups/", {"page_size": 500}, target=side_objects(w, s).group.pk),
        {"own": LISTED, "other": LISTED},
    ),
    Row(
        "groups-create",
        "post",
        "/api/v1/groups/",
        lambda w, s, u: Call(
            "/api/v1/groups/",
            {
                "name": "Các đơn vị nhận báo cáo",
                "owner": (w.province if s == "own" else w.other_province).pk,
                "members": [(w.district if s == "own" else w.other_district).pk],
            },
        ),
        {"own": "201 403 403 201 201", "other": "403 403 403 201 201"},
    ),
    Row(
        "groups-retrieve",
        "get",
        "/api/v1/groups/{id}/",
        lambda w, s, u: Call(f"/api/v1/groups/{side_objects(w, s).group.pk}/"),
        {"own": ALL, "other": ALL},
    ),
    Row(
        "groups-members",
        "put",
        "/api/v1/groups/{id}/members/",
        lambda w, s, u: Call(
            f"/api/v1/groups/{side_objects(w, s).group.pk}/members/",
            {"members": [(w.unobligated if s == "own" else w.other_unobligated).pk]},
        ),
        {"own": CLERK_OWN, "other": "403 403 403 200 200"},
    ),
    Row(
        "document-types-list",
        "get",
        "/api/v1/document-types/",
        lambda w, s, u: Call("/api/v1/document-types/"),
        {"any": ALL},
    ),
    Row(
        "document-types-retrieve",
        "get",
        "/api/v1/document-types/{code}/",
        lambda w, s, u: Call("/api/v1/document-types/KH/"),
        {"any": ALL},
    ),
    # --- registers
    Row(
        "registers-list",
        "get",
        "/api/v1/registers/",
        lambda w, s, u: Call("/api/v1/registers/", {"page_size": 500}, target=w.registers[s].pk),
        {"own": "in in out in in", "below": LISTED, "other": "out out out in in"},
    ),
    Row(
        "registers-create",
        "post",
        "/api/v1/registers/",
        lambda w, s, u: Call(
            "/api/v1/registers/",
            {
                "owner": {"own": w.province, "below": w.district, "other": w.other_province}[s].pk,
                "name": "Sổ văn bản mật đến",
                "direction": "incoming",
            },
        ),
        # A body above reads the district's registers but does not keep them.
        {"own": "201 403 403 201 201", "below": "403 403 403 201 201", "other": "403 403 403 201 201"},
    ),
    Row(
        "registers-retrieve",
        "get",
        "/api/v1/registers/{id}/",
        lambda w, s, u: Call(f"/api/v1/registers/{w.registers[s].pk}/"),
        {"own": "200 200 404 200 200", "below": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "registers-partial-update",
        "patch",
        "/api/v1/registers/{id}/",
        lambda w, s, u: Call(f"/api/v1/registers/{w.registers[s].pk}/", {"description": "Dùng từ năm nay"}),
        {"own": "200 403 404 200 200", "below": "403 403 403 200 200", "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "registers-book",
        "get",
        "/api/v1/registers/{id}/book.xlsx",
        lambda w, s, u: Call(f"/api/v1/registers/{w.registers[s].pk}/book.xlsx", {"year": w.today.year}),
        {"own": "200 200 404 200 200", "below": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    # --- documents
    Row(
        "documents-list",
        "get",
        "/api/v1/documents/",
        lambda w, s, u: Call("/api/v1/documents/", {"page_size": 500}, target=w.documents[s].pk),
        LIST,
    ),
    Row(
        "documents-create",
        "post",
        "/api/v1/documents/",
        document_create,
        {
            "own": "201 403 400 201 201",
            "own_incoming": "201 403 400 201 201",
            "below": "403 403 403 201 201",
            "other": "400 400 400 201 201",
        },
    ),
    Row(
        "documents-retrieve",
        "get",
        "/api/v1/documents/{id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/"),
        READ,
    ),
    Row(
        "documents-history",
        "get",
        "/api/v1/documents/{id}/history/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/history/"),
        READ,
    ),
    Row(
        "documents-partial-update",
        "patch",
        "/api/v1/documents/{id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/", {"copies": 3}),
        {
            "own_draft": "200 403 404 200 200",
            "own_issued": CLERK_OWN,
            "own_received": "200 403 404 200 200",
            "below_draft": "403 403 404 200 200",
            "below_issued": "403 403 403 200 200",
            "inbound": "403 403 404 200 200",
            "other_draft": ONLY_ADMINS_OTHER,
            "other_issued": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-destroy",
        "delete",
        "/api/v1/documents/{id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/"),
        {
            "own_draft": "204 403 404 204 204",
            "below_draft": "403 403 404 204 204",
            "other_draft": "404 404 404 204 204",
        },
    ),
    Row(
        "documents-issue",
        "post",
        "/api/v1/documents/{id}/issue/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/issue/", {}),
        {
            "own_draft": "200 403 404 200 200",
            "below_draft": "403 403 404 200 200",
            "other_draft": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-withdraw",
        "post",
        "/api/v1/documents/{id}/withdraw/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/withdraw/", {"reason": "Ban hành nhầm"}),
        {
            "own_issued": CLERK_OWN,
            "below_issued": "403 403 403 200 200",
            "inbound": "403 403 404 200 200",
            "other_issued": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-dispatch",
        "post",
        "/api/v1/documents/{id}/dispatch/",
        lambda w, s, u: Call(
            f"/api/v1/documents/{w.documents[s].pk}/dispatch/",
            {"channel": "electronic", "organizations": [extra_recipient(w, s).pk]},
        ),
        {
            "own_issued": CLERK_OWN,
            "below_issued": "403 403 403 200 200",
            "inbound": "403 403 404 200 200",
            "other_issued": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-attachments-create",
        "post",
        "/api/v1/documents/{id}/attachments/",
        lambda w, s, u: Call(
            f"/api/v1/documents/{w.documents[s].pk}/attachments/",
            {"file": pdf("phu-luc-2.pdf"), "description": "Phụ lục"},
            multipart=True,
        ),
        {
            "own_draft": "201 403 404 201 201",
            "own_issued": "201 403 403 201 201",
            "below_draft": "403 403 404 201 201",
            "inbound": "403 403 404 201 201",
            "other_draft": "404 404 404 201 201",
        },
    ),
    Row(
        "documents-attachment",
        "get",
        "/api/v1/documents/{id}/attachments/{attachment_id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/attachments/{w.attachments[s].pk}/"),
        pick(READ, "own_draft", "own_issued", "other_issued"),
    ),
    Row(
        "documents-deadlines",
        "get",
        "/api/v1/documents/{id}/deadlines/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/deadlines/"),
        pick(READ, "own_draft", "own_issued", "below_draft", "inbound", "other_issued"),
    ),
    Row(
        "documents-pdf",
        "get",
        "/api/v1/documents/{id}/pdf/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/pdf/"),
        pick(READ, "own_draft", "own_issued", "other_issued"),
    ),
    Row(
        "documents-docx",
        "get",
        "/api/v1/documents/{id}/docx/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/docx/"),
        pick(READ, "own_draft", "own_issued", "other_issued"),
    ),
]
