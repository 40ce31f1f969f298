"""`manage.py intake FILE... [--json]` and the file reading behind it."""

import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from registry.intake.files import read_file

SAMPLES = Path(__file__).parent / "intake_samples"
EXAMPLES = [SAMPLES / "examples" / f"{name}.txt" for name in ("375-CV-BTGTU", "95-KH-TU", "M-STTTT-TTBCBC")]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("intake", *args, stdout=out)
    return out.getvalue()


def test_json_for_the_examples_a_missing_file_and_a_binary_file(tmp_path):
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "scan.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    output = run(*map(str, EXAMPLES), str(missing), str(binary), "--json")

    results = json.loads(output)
    assert len(results) == 5
    for path, result in zip(EXAMPLES, results, strict=False):
        assert result == json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert results[3] == {**results[3], "source": "missing.txt", "warnings": [f"file not found: {missing}"]}
    assert results[3]["issuer"] == {"name": None, "parent": None}
    assert results[4]["source"] == "scan.bin"
    assert results[4]["warnings"] == ["the file is binary, not text (it contains NUL bytes)"]
    assert "TỈNH ỦY TIỀN GIANG" in output  # ensure_ascii=False
    assert output.startswith('[\n  {\n    "source": ')  # indent 2


def test_a_summary_for_people_without_json():
    output = run(str(EXAMPLES[1]))
    assert output.splitlines()[:2] == [
        "95-KH-TU.txt: party, KH, 95-KH/TU, 2023-04-28, TỈNH ỦY TIỀN GIANG",
        "  subject: Tổng kết 35 năm thực hiện khai thác và sử dụng Bản tin Thông tin sinh hoạt chi bộ của Ban "
        "Tuyên giáo Trung ương và 20 năm Bản tin Thông báo nội bộ của Ban Tuyên giáo Tỉnh ủy trên địa bàn tỉnh",
    ]
    assert "  deadline 2023-12-01 (before): gởi báo cáo về Ban Thường vụ Tỉnh ủy" in output


def test_no_file_is_an_error():
    with pytest.raises(CommandError, match="at least one FILE"):
        run("--json")


def test_exit_codes(tmp_path):
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "intake"]
    bad = subprocess.run(
        [*manage, str(tmp_path / "missing.txt"), "--json"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 0
    assert json.loads(bad.stdout)[0]["warnings"] == [f"file not found: {tmp_path / 'missing.txt'}"]
    none = subprocess.run(manage, capture_output=True, text=True, check=False)
    assert none.returncode == 1
    assert "Give at least one FILE to read." in none.stderr


def windows_1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes Vietnamese: letters such as "Ê" precomposed, tones combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    written = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in tones))
        written.append(letter + "".join(mark for mark in decomposed if mark in tones))
    return "".join(written).encode("cp1258")


def test_text_encodings(tmp_path):
    text = (
        "UBND TỈNH KIÊN GIANG\nSỞ NỘI VỤ\nSố: 12/SNV-VP\nKiên Giang, ngày 05 tháng 3 năm 2024\nV/v báo cáo\n"
        "GIÁM ĐỐC\nLê Văn Hải\n"
    )
    cases = {
        "utf8.txt": (text.encode("utf-8"), []),
        "bom.txt": (b"\xef\xbb\xbf" + text.encode("utf-8"), []),
        "notepad.txt": (text.encode("utf-16"), []),
        "old.txt": (
            windows_1258(text),
            ["the file is not UTF-8: it was read as Windows-1258 (Vietnamese); check its accents"],
        ),
    }
    for name, (data, warnings) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = read_file(tmp_path / name)
        assert result["issuer"] == {"name": "SỞ NỘI VỤ", "parent": "UBND TỈNH KIÊN GIANG"}, name
        assert result["warnings"] == warnings, name


def test_a_directory_is_no_file(tmp_path):
    assert read_file(tmp_path)["warnings"] == [f"not a file: {tmp_path}"]


def test_docx_without_python_docx(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)  # as if python-docx were not installed
    path = tmp_path / "letter.docx"
    path.write_bytes(b"PK")
    result = read_file(path)
    assert result["source"] == "letter.docx"
    assert result["warnings"] == [
        ".docx files are not supported yet (python-docx is not installed); save the file as .txt"
    ]


def test_pdf_without_pypdf(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdf", None)
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert read_file(path)["warnings"] == [
        ".pdf files are not supported yet (pypdf is not installed); save the text as .txt"
    ]


def test_docx_with_python_docx(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "UBND TỈNH KIÊN GIANG\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số: 1163/STTTT-TTBCBC\nV/v thông tin, tuyên truyền"
    header.cell(1, 1).text = "Kiên Giang, ngày 03 tháng 8 năm 2021"
    document.add_paragraph("Kính gửi: Báo Kiên Giang.")
    document.add_paragraph("Đề nghị Báo Kiên Giang báo cáo trước ngày 15/8/2021./.")
    bottom = document.add_table(rows=1, cols=2)
    bottom.cell(0, 0).text = "Nơi nhận:\n- Như trên;\n- Lưu: VT, TTBCBC."
    bottom.cell(0, 1).text = "GIÁM ĐỐC\n(đã ký)\nLâm Văn Sển"
    document.save(tmp_path / "letter.docx")

    result = read_file(tmp_path / "letter.docx")
    assert result["issuer"] == {"name": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "parent": "UBND TỈNH KIÊN GIANG"}
    assert (result["notation"], result["date"], result["subject"]) == (
        "1163/STTTT-TTBCBC",
        "2021-08-03",
        "thông tin, tuyên truyền",
    )
    assert result["addressees"] == ["Báo Kiên Giang"]
    assert result["distribution"] == ["Như trên", "Lưu: VT, TTBCBC"]
    assert result["signer"] == {"name": "Lâm Văn Sển", "title": "GIÁM ĐỐC", "authority": None}
    assert result["deadlines"][0]["date"] == "2021-08-15"
    assert result["warnings"] == []


def _pdf(*lines: str) -> bytes:
    """A one-page PDF printing ``lines`` (Latin-1 only) in Helvetica."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    data += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return data


def test_pdf_with_pypdf(tmp_path):
    pytest.importorskip("pypdf")
    (tmp_path / "letter.pdf").write_bytes(_pdf("UBND TINH KIEN GIANG", "SO NOI VU"))
    result = read_file(tmp_path / "letter.pdf")
    assert result["issuer"] == {"name": "SO NOI VU", "parent": "UBND TINH KIEN GIANG"}

    (tmp_path / "scan.pdf").write_bytes(_pdf())
    assert read_file(tmp_path / "scan.pdf")["warnings"] == [
        "the .pdf file has no text layer (a scan?): it needs OCR first"
    ]
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    assert read_file(tmp_path / "broken.pdf")["warnings"][0].startswith("the .pdf file could not be read: ")
