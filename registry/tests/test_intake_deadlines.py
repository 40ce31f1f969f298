"""extract_deadlines: the deadlines a body states, as reporting obligations will use them."""

import dataclasses
import datetime

import pytest

from registry.intake import BEFORE, BY, DURING, Deadline, extract_deadlines
from registry.intake.deadlines import scan_deadlines

D = datetime.date


@pytest.mark.parametrize(
    ("sentence", "kind", "date"),
    [
        ("Gửi báo cáo trước ngày 01/12/2023.", BEFORE, D(2023, 12, 1)),
        ("Gửi báo cáo trước ngày 01 tháng 12 năm 2023.", BEFORE, D(2023, 12, 1)),
        ("Nộp hồ sơ trước 16 giờ ngày 20/3/2024.", BEFORE, D(2024, 3, 20)),
        ("Nộp hồ sơ trước 16h00, thứ Tư, ngày 20/3/2024.", BEFORE, D(2024, 3, 20)),
        ("Nộp hồ sơ trước 16 giờ 30 phút ngày 20-3-2024.", BEFORE, D(2024, 3, 20)),
        ("Đăng ký chậm nhất ngày 15/3/2024.", BY, D(2024, 3, 15)),
        ("Đăng ký chậm nhất là ngày 15/3/2024.", BY, D(2024, 3, 15)),
        ("Đăng ký chậm nhất vào ngày 15.3.2024.", BY, D(2024, 3, 15)),
        ("Đăng ký chậm nhất đến hết ngày 15/3/2024.", BY, D(2024, 3, 15)),
        ("Báo cáo chậm nhất 16 giờ ngày 15/3/2024.", BY, D(2024, 3, 15)),
        ("Các đơn vị hoàn thành trước ngày 10/4/2024.", BY, D(2024, 4, 10)),
        ("Nộp báo cáo tổng hợp trong ngày 25/3/2024.", BY, D(2024, 3, 25)),
        ("Thời gian: Hoàn thành trong tháng 10/2023.", DURING, D(2023, 10, 31)),
        ("Thời gian: Trong tháng 2/2024.", DURING, D(2024, 2, 29)),
        ("Tổng kết trong tháng 02/2023.", DURING, D(2023, 2, 28)),
        ("Tổng kết trong tháng 12 năm 2023.", DURING, D(2023, 12, 31)),
        ("GỬI BÁO CÁO TRƯỚC NGÀY 01/12/2023.", BEFORE, D(2023, 12, 1)),
        ("Gửi báo cáo trước ngày 1/1/24.", BEFORE, D(2024, 1, 1)),
        ("Báo cáo về Sở trước ngày15/6/2024.", BEFORE, D(2024, 6, 15)),  # the space lost in conversion
        ("Hoàn thành trong ngày22/10/2023.", BY, D(2023, 10, 22)),
        ("Gửi chậm nhất ngày 31 tháng 5 năm 2024, đồng thời gửi file điện tử.", BY, D(2024, 5, 31)),
    ],
)
def test_phrasings_give_their_kind_and_date(sentence, kind, date):
    [deadline] = extract_deadlines(sentence)
    assert (deadline.kind, deadline.date) == (kind, date)


@pytest.mark.parametrize(
    ("kind", "date", "due_on"),
    [
        (BEFORE, D(2023, 12, 1), D(2023, 11, 30)),  # "trước ngày 01/12/2023": 01/12 is already late
        (BEFORE, D(2024, 3, 1), D(2024, 2, 29)),
        (BY, D(2024, 3, 15), D(2024, 3, 15)),
        (DURING, D(2023, 10, 31), D(2023, 10, 31)),
    ],
)
def test_due_on_is_the_last_day_on_time(kind, date, due_on):
    assert Deadline(date, kind, "text").due_on == due_on


@pytest.mark.parametrize(
    "sentence",
    [
        "Hội thi được tổ chức từ ngày 01/4/2024 đến ngày 30/4/2024.",
        "Số liệu báo cáo tính từ ngày 01/01/2024 đến hết ngày 31/3/2024.",
        "Số liệu tính từ ngày 01/01/2024 đến trước ngày 01/4/2024.",
        "Kế hoạch này có hiệu lực từ ngày 01/3/2024.",
        "Quyết định có hiệu lực kể từ ngày ký.",
        "Hội nghị được tổ chức vào ngày 05/5/2024 tại Hội trường.",
        "Thời gian: 8 giờ 00, ngày 05/5/2024.",
        "Kính mời đồng chí dự họp trong ngày 06/5/2024 tại Hội trường.",
        "Trước nhu cầu thực tế, ngày 15/3/2024 Ban đã họp.",
        "Bản Tin được phát hành từ năm 1999 đến nay; thực hiện từ tháng 2 năm 2022.",
        "Trong tháng, các đơn vị đã tổ chức 5 hội nghị.",
    ],
)
def test_meetings_periods_and_effective_dates_are_not_deadlines(sentence):
    assert extract_deadlines(sentence) == []


def test_a_body_alone_in_order_of_appearance_with_their_texts():
    body = (
        "2. Thời gian và hình thức tổng kết\n"
        "- Cấp huyện và tương đương:\n"
        "+ Tổng kết bằng văn bản.\n"
        "+ Thời gian: Hoàn thành trong tháng 10/2023.\n"
        "- Cấp tỉnh:\n"
        "+ Tổ chức Hội nghị tổng kết 35 năm thực hiện khai thác và sử dụng Bản tin (2004 - 2024).\n"
        "+ Thời gian: Trong tháng 12/2023.\n"
        "3. Cấp ủy huyện và tương đương\n"
        "Lãnh đạo việc tổng kết ở cấp mình; gởi báo cáo về Ban Thường vụ Tỉnh ủy trước ngày 01/12/2023.\n"
    )
    assert extract_deadlines(body) == [
        Deadline(
            D(2023, 10, 31),
            DURING,
            "Cấp huyện và tương đương: Tổng kết bằng văn bản. Thời gian: Hoàn thành trong tháng 10/2023",
        ),
        Deadline(D(2023, 12, 31), DURING, "Cấp tỉnh: Tổ chức Hội nghị tổng kết. Thời gian: Trong tháng 12/2023"),
        Deadline(D(2023, 12, 1), BEFORE, "gởi báo cáo về Ban Thường vụ Tỉnh ủy trước ngày 01/12/2023"),
    ]


def test_a_time_label_under_a_heading_takes_the_heading():
    body = "2. Ủy ban nhân dân các huyện\n- Tổ chức tuyên truyền.\n- Thời hạn: hoàn thành trước ngày 10/4/2024.\n"
    [deadline] = extract_deadlines(body)
    assert deadline.text == "Ủy ban nhân dân các huyện: Tổ chức tuyên truyền. Thời hạn: hoàn thành trước ngày 10/4/2024"


def test_several_deadlines_in_one_sentence_and_each_clause_its_text():
    body = "Gửi bài dự thi trước 16 giờ ngày 20/3/2024; nộp báo cáo tổng hợp trong ngày 25/3/2024./."
    assert [(d.kind, d.date, d.text) for d in extract_deadlines(body)] == [
        (BEFORE, D(2024, 3, 20), "Gửi bài dự thi trước 16 giờ ngày 20/3/2024"),
        (BY, D(2024, 3, 25), "nộp báo cáo tổng hợp trong ngày 25/3/2024"),
    ]


def test_a_wrapped_line_is_joined_back():
    body = "- Các huyện gửi báo cáo về Sở trước\nngày 15/3/2024.\n- Lưu hồ sơ."
    [deadline] = extract_deadlines(body)
    assert (deadline.date, deadline.text) == (D(2024, 3, 15), "Các huyện gửi báo cáo về Sở trước ngày 15/3/2024")


def test_a_day_without_its_year_needs_the_date_of_issue():
    body = "Báo cáo trước ngày 15/3; tổng kết trong tháng 1."
    assert extract_deadlines(body) == []
    issued = D(2023, 12, 20)
    assert [(d.kind, d.date) for d in extract_deadlines(body, issued_on=issued)] == [
        (BEFORE, D(2024, 3, 15)),
        (DURING, D(2024, 1, 31)),
    ]
    _deadlines, warnings = scan_deadlines(body)
    assert warnings == [
        "the deadline “trước ngày 15/3” was left out: “15/3” gives no year and the date of issue is unknown",
        "the deadline “trong tháng 1” was left out: “1” gives no year and the date of issue is unknown",
    ]


def test_impossible_dates_are_left_out_with_a_warning():
    deadlines, warnings = scan_deadlines(
        "Báo cáo chậm nhất ngày 31/02/2024, trong tháng 13/2024 và trước ngày 01/01/0001."
    )
    assert deadlines == []
    assert warnings == [
        "the deadline “chậm nhất ngày 31/02/2024” was left out: “31/02/2024” is not a valid date",
        "the deadline “trong tháng 13/2024” was left out: “13/2024” is not a valid month",
        "the deadline “trước ngày 01/01/0001” was left out: “01/01/0001” is not a valid date",
    ]


def test_a_repeated_deadline_is_given_once():
    body = "Gửi báo cáo trước ngày 01/12/2023.\nGửi báo cáo trước ngày 01/12/2023."
    assert len(extract_deadlines(body)) == 1


def test_deadlines_are_frozen():
    deadline = Deadline(D(2024, 3, 15), BY, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        deadline.kind = BEFORE
    assert deadline.as_dict() == {"date": "2024-03-15", "kind": "by", "text": "x"}
