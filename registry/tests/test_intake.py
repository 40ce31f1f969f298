"""read_document: the CONTRACT's intake object from a document's text.

The example documents of shared/examples (copied into intake_samples/examples, and read from
shared/ too when it sits beside the project) must come out exactly as their .json; so must the
samples written for the shapes the examples do not show (intake_samples/*.txt).
"""

import json
import time
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from registry.intake import read_document
from registry.tests.intake_corpus import CONTRACT_KEYS, check_shape

SAMPLES = Path(__file__).parent / "intake_samples"
SHARED_EXAMPLES = Path(settings.BASE_DIR).parent / "shared" / "examples"
EXAMPLE_NAMES = ["375-CV-BTGTU", "95-KH-TU", "M-STTTT-TTBCBC"]


def read_sample(path: Path) -> tuple[str, dict]:
    return path.read_text(encoding="utf-8"), json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_examples_come_out_exactly_as_expected(name):
    text, expected = read_sample(SAMPLES / "examples" / f"{name}.txt")
    assert read_document(text, source=f"{name}.txt") == expected


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="shared/examples is not beside the project")
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_shared_examples_come_out_exactly_as_expected(name):
    text, expected = read_sample(SHARED_EXAMPLES / f"{name}.txt")
    assert read_document(text, source=f"{name}.txt") == expected


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda path: path.stem)
def test_the_samples_come_out_exactly_as_expected(path):
    text, expected = read_sample(path)
    assert read_document(text, source=path.name) == expected


def test_a_state_decision_with_an_authority_chain():
    result = read_document((SAMPLES / "215-QD-UBND.txt").read_text(encoding="utf-8"))
    assert result["issuer"] == {"name": "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", "parent": None}
    assert (result["doc_type"], result["notation"], result["date"]) == ("QĐ", "215/QĐ-UBND", "2024-02-05")
    assert result["signer"] == {
        "name": "Trần Văn Lâu",
        "title": "PHÓ CHỦ TỊCH",
        "authority": "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH",
    }
    assert result["distribution"][0] == "Như Điều 3"  # read beside the signature column
    assert result["deadlines"] == [
        {
            "date": "2024-06-30",
            "kind": "by",
            "text": "Các cơ quan, đơn vị tự kiểm tra và gửi báo cáo kết quả về Sở Nội vụ chậm nhất ngày 30/6/2024",
        }
    ]  # "có hiệu lực kể từ ngày ký" is an effective date, not a deadline


def test_marks_only_when_printed_as_marks_and_one_inline_addressee():
    result = read_document((SAMPLES / "88-UBND-VP.txt").read_text(encoding="utf-8"))
    assert (result["urgency"], result["confidentiality"]) == ("Khẩn", "Mật")
    assert result["subject"].startswith("khẩn trương")  # the word in the subject is no mark
    assert result["addressees"] == ["Sở Y tế tỉnh Kiên Giang"]


def test_khan_truong_in_the_body_is_not_a_mark():
    text = (SAMPLES / "88-UBND-VP.txt").read_text(encoding="utf-8").replace("KHẨN\nMẬT\n", "")
    result = read_document(text)
    assert (result["urgency"], result["confidentiality"]) == (None, None)


@pytest.mark.parametrize(
    ("printed", "urgency", "confidentiality"),
    [
        ("HỎA TỐC", "Hỏa tốc", None),
        ("Hoả tốc", "Hỏa tốc", None),
        ("THƯỢNG KHẨN", "Thượng khẩn", None),
        ("[TỐI MẬT]", None, "Tối mật"),
        ("Tuyệt mật", None, "Tuyệt mật"),
        ("KHẨN - MẬT", "Khẩn", "Mật"),
    ],
)
def test_marks_are_written_canonically_whatever_the_printed_case(printed, urgency, confidentiality):
    result = read_document(f"UBND TỈNH KIÊN GIANG\nSỞ NỘI VỤ\nSố: 12/SNV-VP\n{printed}\nV/v báo cáo\n")
    assert (result["urgency"], result["confidentiality"]) == (urgency, confidentiality)


def test_the_deadline_phrasings_and_a_reporting_period():
    result = read_document((SAMPLES / "12-KH-STTTT.txt").read_text(encoding="utf-8"))
    assert [(item["date"], item["kind"]) for item in result["deadlines"]] == [
        ("2024-03-15", "by"),  # chậm nhất ngày 15/3/2024
        ("2024-03-20", "before"),  # trước 16 giờ ngày 20/3/2024
        ("2024-03-25", "by"),  # trong ngày 25/3/2024
        ("2024-04-10", "by"),  # hoàn thành trước ngày 10/4/2024
    ]  # not the contest's period, the reporting period, the effective date or the meeting days


@pytest.mark.parametrize(
    ("lines", "addressees"),
    [
        ("Kính gửi: Sở Tài chính.", ["Sở Tài chính"]),
        ("Kính gửi: Ủy ban nhân dân các huyện,\n  thành phố.", ["Ủy ban nhân dân các huyện, thành phố"]),
        ("Kính gửi:\nSở A;\nSở B,\nSở C.", ["Sở A", "Sở B", "Sở C"]),
        ("Kính gửi:\n- Sở A;\n\n\n  (tại Tp.HCM);\n- Sở B", ["Sở A; (tại Tp.HCM)", "Sở B"]),
        (
            "Kính gửi:\n- Các sở, ban, ngành\n\n   cấp tỉnh;\n- Báo Kiên Giang.",
            ["Các sở, ban, ngành cấp tỉnh", "Báo Kiên Giang"],
        ),
    ],
)
def test_addressees_inline_listed_and_wrapped(lines, addressees):
    text = f"UBND TỈNH KIÊN GIANG\nSố: 12/UBND-VP\nV/v báo cáo\n{lines}\n\nThực hiện Kế hoạch số 1/KH-UBND."
    assert read_document(text)["addressees"] == addressees


@pytest.mark.parametrize(
    ("header", "name", "parent"),
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG", "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", None),
        ("UBND TỈNH KIÊN GIANG\nSỞ TÀI NGUYÊN\nVÀ MÔI TRƯỜNG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "UBND TỈNH KIÊN GIANG"),
        ("ĐẢNG BỘ TỈNH KIÊN GIANG\nHUYỆN ỦY GIỒNG RIỀNG", "HUYỆN ỦY GIỒNG RIỀNG", "ĐẢNG BỘ TỈNH KIÊN GIANG"),
        ("TỈNH ỦY KIÊN GIANG\nBAN TUYÊN GIÁO", "BAN TUYÊN GIÁO", "TỈNH ỦY KIÊN GIANG"),
        ("BAN CHẤP HÀNH\nTRUNG ƯƠNG", "BAN CHẤP HÀNH TRUNG ƯƠNG", None),
    ],
)
def test_issuer_names_over_two_lines_and_parents(header, name, parent):
    result = read_document(f"{header}\nSố: 07/KH-UBND\nKẾ HOẠCH\nPhòng, chống thiên tai\n")
    assert result["issuer"] == {"name": name, "parent": parent}


def test_a_header_in_the_other_column_order():
    text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nKiên Giang, ngày 03 tháng 8 năm 2021\n"
        "UBND TỈNH KIÊN GIANG\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 1163/STTTT-TTBCBC\n"
        "V/v thông tin, tuyên truyền thực hiện\nChỉ thị số 07-CT/TU ngày 04-6-2021 của\nTỉnh ủy Kiên Giang\n"
        "Kính gửi:\nCác sở, ban, ngành cấp tỉnh;\nBáo Kiên Giang.\n"
        "Đề nghị các đơn vị báo cáo kết quả trước ngày 15/9.\n"
        "Nơi nhận:                                  KT. GIÁM ĐỐC\n"
        "- Như trên;                                PHÓ GIÁM ĐỐC\n"
        "- Lưu: VT, TTBCBC.\n"
        "                                           NGUYỄN VĂN AN\n"
    )
    result = read_document(text)
    assert result["system"] == "state"
    assert result["issuer"] == {"name": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "parent": "UBND TỈNH KIÊN GIANG"}
    assert (result["notation"], result["doc_type"], result["place"]) == ("1163/STTTT-TTBCBC", "CV", "Kiên Giang")
    assert result["subject"] == (
        "thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU ngày 04-6-2021 của Tỉnh ủy Kiên Giang"
    )
    assert result["addressees"] == ["Các sở, ban, ngành cấp tỉnh", "Báo Kiên Giang"]
    assert result["distribution"] == ["Như trên", "Lưu: VT, TTBCBC"]
    assert result["signer"] == {"name": "NGUYỄN VĂN AN", "title": "PHÓ GIÁM ĐỐC", "authority": "KT. GIÁM ĐỐC"}
    # a day without its year is read against the date of issue
    assert result["deadlines"][0]["date"] == "2021-09-15"
    assert result["warnings"] == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize(
    "variant",
    [
        lambda text: unicodedata.normalize("NFD", text),
        lambda text: text.replace("\n", "\r\n"),
        lambda text: "\ufeff" + text,
        lambda text: text.replace(" ", "\u00a0", 40),
    ],
    ids=["decomposed", "crlf", "bom", "nbsp"],
)
def test_encoding_variants_read_the_same(name, variant):
    text, expected = read_sample(SAMPLES / "examples" / f"{name}.txt")
    assert read_document(variant(text), source=f"{name}.txt") == expected


@pytest.mark.parametrize(
    ("number_line", "number", "symbol", "notation", "warning"),
    [
        (
            "Số: M/STTTT-TTBCBC",
            None,
            "STTTT-TTBCBC",
            None,
            "the number is a placeholder (M): this is an unnumbered draft",
        ),
        ("Số:      /QĐ-UBND", None, "QĐ-UBND", None, "the number is left blank: this is an unnumbered draft"),
        ("Số 07-CT/TU", 7, "CT/TU", "07-CT/TU", None),
        ("Số: 12/2024/QĐ-UBND", 12, "2024/QĐ-UBND", "12/2024/QĐ-UBND", None),
        ("Số: 12-A/B-C-D", 12, "A/B-C-D", "12-A/B-C-D", "the notation “12-A/B-C-D” is not a State or Party notation"),
    ],
)
def test_number_lines(number_line, number, symbol, notation, warning):
    result = read_document(f"UBND TỈNH KIÊN GIANG\n{number_line}\nV/v báo cáo\n")
    assert (result["number"], result["symbol"], result["notation"]) == (number, symbol, notation)
    if warning:
        assert warning in result["warnings"]


def test_what_is_missing_is_said_in_warnings():
    result = read_document("Các huyện gửi báo cáo trước ngày 15/3/2024.")
    assert result["warnings"] == [
        "could not tell a State from a Party document: no motto and no notation",
        "no issuing body was found at the top of the document",
        "no number line (Số ...) was found",
        "no place and date line (..., ngày ... tháng ... năm ...) was found",
        "no subject (trích yếu) was found",
        "no signature block (authority, title or signer) was found",
    ]
    assert result["deadlines"] == [
        {"date": "2024-03-15", "kind": "before", "text": "Các huyện gửi báo cáo trước ngày 15/3/2024"}
    ]


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff"])
def test_an_empty_text(text):
    result = read_document(text, source="x.txt")
    assert list(result) == CONTRACT_KEYS
    assert result["source"] == "x.txt"
    assert result["warnings"] == ["the text is empty"]


def test_a_blank_date_of_issue_in_a_draft():
    result = read_document("UBND TỈNH KIÊN GIANG\nSố:    /UBND-VP\nKiên Giang, ngày    tháng    năm 2024\nV/v x\n")
    assert (result["place"], result["date"]) == ("Kiên Giang", None)
    assert "the date of issue is left blank or unreadable: “Kiên Giang, ngày tháng năm 2024”" in result["warnings"]


@given(st.text())
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_gives_a_whole_object(text):
    check_shape(read_document(text))


# Pieces of real documents, so that random texts reach the header, list and deadline rules.
FRAGMENTS = [
    "UBND TỈNH KIÊN GIANG",
    "SỞ THÔNG TIN",
    "VÀ TRUYỀN THÔNG",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Số: 12/UBND-VP",
    "Số 95-KH/TU",
    "Số: M/STTTT",
    "Số:",
    "Kiên Giang, ngày 27 tháng 12 năm 2021",
    "ngày 31 tháng 02 năm 2023",
    "V/v báo cáo",
    "KẾ HOẠCH",
    "KHẨN",
    "Kính gửi:",
    "Kính gửi: Sở Tài chính",
    "- Như trên;",
    "- Các sở",
    "  (tại Tp.HCM),",
    "Nơi nhận:",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "(đã ký)",
    "Nguyễn Văn An",
    "+ Thời gian: Trong tháng 13/2023.",
    "trước ngày 01/12/2023",
    "trước 16 giờ ngày 32/3/2024;",
    "chậm nhất ngày 15/3",
    "Kế hoạch số 141/KH-UBND ngày 19/7/2021 của",
    "của Ủy ban nhân dân tỉnh, Sở Văn hóa, Thể thao và Du lịch",
    "từ ngày 01/3/2024 đến trước ngày 30/3/2024",
    "*",
    "-----",
    "\t",
    "   ",
    "./.",
]


@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40))
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_mix_of_document_parts_gives_a_whole_object(pieces):
    separators = ["\n", "\t", "   ", " "]
    text = "".join(piece + separators[len(piece) % len(separators)] for piece in pieces)
    check_shape(read_document(text))


def test_a_text_of_a_million_characters_is_read_in_reasonable_time():
    """Rules that scan back or rebuild strings per line or per match would take minutes here."""
    example = (SAMPLES / "examples" / "95-KH-TU.txt").read_text(encoding="utf-8")
    texts = [
        (example * 200)[:1_000_000],
        "- x\n" * 250_000,
        "trước ngày 1/1/2024 " * 50_000,
        "Kính gửi:\n- a\n" + "b\n" * 300_000,
        "." * 999_000 + " trước ngày 1/1/2024",
        "Số " + "của " * 249_999,
    ]
    for text in texts:
        started = time.monotonic()
        check_shape(read_document(text))
        assert time.monotonic() - started < 60


# Shapes of converted files found in the corpus (test_intake_corpus.py), each on its own.


def test_the_party_name_inside_a_subject_is_no_motto():
    text = (
        "TỈNH ỦY KIÊN GIANG\t\tĐẢNG CỘNG SẢN VIỆT NAM\nBAN TUYÊN GIÁO\nSố 96-HD/BTGTU\n"
        "HƯỚNG DẪN\ntuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam\n(03/02/1930 - 03/02/2025)\n"
    )
    result = read_document(text)
    assert result["subject"] == (
        "tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2025)"
    )
    assert result["system"] == "party"


def test_markdown_escapes_are_read_as_the_characters():
    text = "**HUYỆN ỦY AN BIÊN**\n\n\\*\n\nSố: 312-CV/HU\n\n*V/v tăng cường công tác tuyên truyền*\n"
    result = read_document(text)
    assert (result["issuer"]["name"], result["notation"], result["subject"]) == (
        "HUYỆN ỦY AN BIÊN",
        "312-CV/HU",
        "tăng cường công tác tuyên truyền",
    )


@pytest.mark.parametrize("mark", ["DỰ THẢO", "Dự thảo lần 2", "(DỰ THẢO)", "[Dự thảo]"])
def test_a_draft_mark_names_no_body(mark):
    text = f"                  {mark}\nỦY BAN NHÂN DÂN\nHUYỆN PHÚ TÂN\nSố:      /UBND-VP\nV/v góp ý dự thảo\n"
    assert read_document(text)["issuer"] == {"name": "ỦY BAN NHÂN DÂN HUYỆN PHÚ TÂN", "parent": None}


def test_a_blank_date_beside_the_number_in_a_flattened_header():
    text = "ỦY BAN NHÂN DÂN\nSố:        /UBND-VP                  Phú Tân, ngày     tháng     năm 2024\nV/v góp ý\n"
    result = read_document(text)
    assert (result["place"], result["date"], result["symbol"]) == ("Phú Tân", None, "UBND-VP")
    assert "the date of issue is left blank or unreadable: “Phú Tân, ngày tháng năm 2024”" in result["warnings"]


def test_columns_flattened_with_single_spaces():
    text = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH BẠC LIÊU Độc lập - Tự do - Hạnh phúc\n"
        "Số: 05/CT-UBND Bạc Liêu, ngày 18 tháng 3 năm 2024\nCHỈ THỊ\nVề việc phòng cháy, chữa cháy rừng\n"
        "Trước diễn biến thời tiết nắng nóng kéo dài, nguy cơ cháy rừng trên địa bàn tỉnh ở mức cấp IV - cấp nguy"
        " hiểm, ảnh hưởng nghiêm trọng đến tài nguyên rừng và môi trường sinh thái của tỉnh.\n"
        "Nơi nhận: CHỦ TỊCH\n- Bộ Nông nghiệp và PTNT (b/c);\n- Lưu: VT, KT.\nPhạm Văn Thiều\n"
    )
    result = read_document(text)
    assert result["issuer"] == {"name": "ỦY BAN NHÂN DÂN TỈNH BẠC LIÊU", "parent": None}
    assert (result["system"], result["notation"], result["place"], result["date"]) == (
        "state",
        "05/CT-UBND",
        "Bạc Liêu",
        "2024-03-18",
    )
    assert result["subject"] == "phòng cháy, chữa cháy rừng"  # the paragraph under it is the body
    assert result["distribution"] == ["Bộ Nông nghiệp và PTNT (b/c)", "Lưu: VT, KT"]
    assert result["signer"] == {"name": "Phạm Văn Thiều", "title": "CHỦ TỊCH", "authority": None}


@pytest.mark.parametrize(
    ("title", "code"),
    [("CHƯƠNG TRÌNH", "CTr"), ("CHƯƠNG TRÌNH HÀNH ĐỘNG", "CTr"), ("KẾ HOẠCH LIÊN TỊCH", "KH"), ("KẾ HOẠCH", "KH")],
)
def test_a_subject_under_its_title_may_start_like_a_body_line(title, code):
    text = (
        f"TỈNH ỦY ĐỒNG THÁP\n*\n{title}\nthực hiện Nghị quyết số 41-NQ/TW, ngày 10/10/2023 của Bộ Chính trị\n"
        "về đội ngũ doanh nhân\n-----\nNgày 10/10/2023, Bộ Chính trị ban hành Nghị quyết số 41-NQ/TW.\n"
    )
    result = read_document(text)
    assert result["doc_type"] == code
    assert result["subject"] == (
        "thực hiện Nghị quyết số 41-NQ/TW, ngày 10/10/2023 của Bộ Chính trị về đội ngũ doanh nhân"
    )


def test_a_title_followed_by_the_body_has_no_subject():
    text = (
        "UBND TỈNH KIÊN GIANG\nSỞ TÀI CHÍNH\nSố: 15/TB-STC\nTHÔNG BÁO\n"
        "Ngày 04/3/2024, Giám đốc Sở chủ trì cuộc họp giao ban. Các phòng nộp báo cáo trước ngày 10/3/2024.\n"
    )
    result = read_document(text)
    assert result["subject"] is None
    assert "no subject (trích yếu) was found" in result["warnings"]
    assert [deadline["date"] for deadline in result["deadlines"]] == ["2024-03-10"]
