"""The column headings of Decree 30's register forms (Appendix IV; GUIDE.md §4), as
tests expect them printed and as offices' own books carry them, written out here
once so a test never takes them from the code it checks."""

OUTGOING_HEADER = [
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
INCOMING_HEADER = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
FOLLOW_UP_HEADER = [
    "Số đến",
    "Tên loại, số, ký hiệu, ngày tháng và trích yếu văn bản",
    "Đơn vị hoặc người xử lý",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
]
