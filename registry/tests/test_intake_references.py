"""Citations of other documents: notation, date as cited, issuer as written after "của"."""

import pytest

from registry.intake.references import extract_references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thực hiện Kế hoạch số 141/KH-UBND ngày 19/7/2021 của Ủy ban nhân dân tỉnh về thông tin",
            [("141/KH-UBND", "2021-07-19", "Ủy ban nhân dân tỉnh")],
        ),
        (
            "thực hiện Kết luận số 18-KL/TW, ngày 22/9/2017 của Ban Bí thư Trung ương khóa XII về tiếp tục",
            [("18-KL/TW", "2017-09-22", "Ban Bí thư Trung ương khóa XII")],
        ),
        (
            "Chỉ thị số 10-CT/TW của Ban Bí thư Trung ương khóa X “về nâng cao chất lượng”",
            [("10-CT/TW", None, "Ban Bí thư Trung ương khóa X")],
        ),
        (
            "Chỉ thị số 07-CT/TU ngày 04-6-2021 của Tỉnh ủy Kiên Giang",
            [("07-CT/TU", "2021-06-04", "Tỉnh ủy Kiên Giang")],
        ),
        (
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
            [("30/2020/NĐ-CP", "2020-03-05", "Chính phủ")],
        ),
        (
            "theo Công văn số 12/UBND-VP ngày 05/3/2024 của UBND TP. Cần Thơ về việc",
            [("12/UBND-VP", "2024-03-05", "UBND TP. Cần Thơ")],
        ),
        (
            "Kế hoạch số 3/KH-SVHTTDL của Sở Văn hóa, Thể thao và Du lịch, Sở Nội vụ phối hợp",
            [("3/KH-SVHTTDL", None, "Sở Văn hóa, Thể thao và Du lịch")],
        ),
        (
            "Kế hoạch số 3/KH-UBND của Ủy ban nhân dân tỉnh, Sở Thông tin và Truyền thông ban hành",
            [("3/KH-UBND", None, "Ủy ban nhân dân tỉnh")],
        ),
        (
            "Công văn 45/SNV-VP của Sở Nội vụ và Kế hoạch số 9/KH-UBND của UBND tỉnh./.",
            [("45/SNV-VP", None, "Sở Nội vụ"), ("9/KH-UBND", None, "UBND tỉnh")],
        ),
        ("Tờ trình số 45/TTr-SNV ngày 25/01/2024.", [("45/TTr-SNV", "2024-01-25", None)]),
        ("in 32 trang, số lượng 19.100 bản; số 5-7 người; số Tết", []),
        (
            "Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13 ngày 22 tháng 6 năm 2015;",
            [("80/2015/QH13", "2015-06-22", None)],
        ),
        (
            "Pháp lệnh số 02/2022/UBTVQH15 ngày 09/12/2022; số 80/2015/QH; số 5/20/QH13",
            [("02/2022/UBTVQH15", "2022-12-09", None)],
        ),
        (
            "Nghị định số 89/2021/NĐ-CP ngày 18/10/2021 của Chính phủ sửa đổi, bổ sung một số điều",
            [("89/2021/NĐ-CP", "2021-10-18", "Chính phủ")],
        ),
        (
            "Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển",
            [("06/QĐ-TTg", "2022-01-06", "Thủ tướng Chính phủ")],
        ),
        (
            "Thông tư số 25/2023/TT-BNV ngày 29/12/2023 của Bộ trưởng Bộ Nội vụ hướng dẫn chức năng",
            [("25/2023/TT-BNV", "2023-12-29", "Bộ trưởng Bộ Nội vụ")],
        ),
        ("Kế hoạch số 141/KH-UBND ngày19/7/2021 của UBND tỉnh", [("141/KH-UBND", "2021-07-19", "UBND tỉnh")]),
    ],
)
def test_citations(text, expected):
    references, warnings = extract_references([text])
    assert [(item["notation"], item["date"], item["issuer"]) for item in references] == expected
    assert warnings == []


def test_each_document_once_in_order_of_first_appearance_later_citations_filling_in():
    references, _warnings = extract_references(
        [
            "Kế hoạch số 141/KH-UBND triển khai",
            "Chỉ thị số 07-CT/TU của Tỉnh ủy",
            "Kế hoạch số 141/KH-UBND ngày 19/7/2021 của Ủy ban nhân dân tỉnh",
        ]
    )
    assert references == [
        {"notation": "141/KH-UBND", "date": "2021-07-19", "issuer": "Ủy ban nhân dân tỉnh"},
        {"notation": "07-CT/TU", "date": None, "issuer": "Tỉnh ủy"},
    ]


def test_the_documents_own_notation_is_no_reference():
    references, _warnings = extract_references(["Kế hoạch số 95-KH/TU nêu trên"], own_notation="95-KH/TU")
    assert references == []


def test_an_impossible_citation_date_is_left_out_with_a_warning():
    references, warnings = extract_references(["Kế hoạch số 141/KH-UBND ngày 31/02/2021 của Ủy ban nhân dân tỉnh"])
    assert references == [{"notation": "141/KH-UBND", "date": None, "issuer": "Ủy ban nhân dân tỉnh"}]
    assert warnings == ["the date of 141/KH-UBND was left out: “31/02/2021” is not a valid date"]
