"""Document search (registry.search) on PostgreSQL over 1,000,000 documents:
subject search and exact notation lookup, each beside an unindexed
`icontains` scan in the same run.

The data: 40 bodies of a province (Party committees and boards, State
departments), each with an outgoing register holding ten years (2015–2024) of
issued documents, numbered 1..k per year with real notations (“375-CV/BTGTU”,
“45/STTTT-TTBCBC”, “12/KH-STTTT”). Subjects are Vietnamese, with diacritics:
an administrative action (“tổ chức”, “tổng kết”), one of 300 topics drawn with
a long-tailed frequency (the commonest in about 3 % of documents), often a
period, a place or a cited resolution; bodies are one to three sentences that
may mention another topic; one or two addressees. A fixed seed; rows are
written with COPY by one process per core (`--loaders`), and PostgreSQL
generates the column search_vector as they arrive, as on any write; the
documents carry their reader_organizations, which the addressees' triggers
then find already right (dispatch migration 0003); the GIN indexes are built
after the load, then VACUUM ANALYZE.

Measured, for the clerk of Sở Thông tin và Truyền thông (who sees its own
register and what is addressed to it):

- subject search: `--queries` searches (default 200), lower case without
  diacritics, 2–7 words a user might remember of a subject (“tong ket cong tac
  dan van”, “ke hoach chuyen doi so”, “phong chong tham nhung 2023”), drawn
  with the topics' frequencies. Each goes the API's way: DocumentFilter(q) on
  document_list(user=clerk) (registry.search + visible_documents), then the
  first page of 50 with its count and its prefetches, as the API's search
  pagination does (core.pagination.CountingPaginator).
  JSON rendering is not included. Each search, and each notation lookup, is
  timed as a server handles a request: from request_started to the answer;
  what request_finished then does (config/garbage.py collects the garbage of
  the request) comes after the response in a server and is not counted.
  The process collects garbage as a server process does (run.setup_django).
- exact notation lookup: `--queries` notations of random documents, typed as
  “Số 375-CV/BTGTU”, through registry.search.filter_by_notation on the clerk's
  visible documents: the rows, one query.
- the same without an index: `subject__icontains` (the topic as written, with
  diacritics) and `notation__icontains` on the same visible documents, count and
  first page, `--baseline-runs` times each (default 20). Nothing indexes
  UPPER(subject); for the notation the trigram index is dropped inside a
  transaction that is rolled back, so the scan is what `icontains` costs
  without it.

Targets: subject search p95 ≤ 50 ms, notation lookup p95 ≤ 5 ms, each at least
20 times faster than its icontains scan (p95 over p95).

Usage: python bench/search.py [--documents 1000000] [--queries 200] [--baseline-runs 20] [--loaders N]
                              [--keep] [--reuse]
(--reuse measures again on the database a run with --keep left, without loading.)
The database named by BENCH_SEARCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/docreg_bench_search) is dropped, created
and migrated, and dropped at the end unless --keep. Without a reachable
PostgreSQL it prints {"skipped": …} and exits 0. Prints one JSON object on
stdout and a one-line verdict on stderr; exits 0 whether or not the targets
are met, since it is a measurement.
"""

import argparse
import datetime
import functools
import itertools
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import run
from psycopg.conninfo import make_conninfo

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/docreg_bench_search"
DOCUMENTS = 1_000_000
QUERIES = 200
BASELINE_RUNS = 20
WARM_UP = 10
PAGE = 50
LOADERS = os.cpu_count() or 2
SEED = 20240301
YEARS = range(2015, 2025)
TARGET_SEARCH_P95_MS = 50.0
TARGET_NOTATION_P95_MS = 5.0
TARGET_RATIO = 20.0
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
GIN_INDEXES = ("registry_document_search_terms", "registry_document_notation_trgm")
CLERK_ABBREVIATION = "STTTT"
READERS_COLUMN = "reader_organizations"
CLERK_USERNAME = "vanthu_search_bench"

# (abbreviation, name, system, drafting unit); abbreviations are those printed in notations.
BODIES = [
    ("TU", "Tỉnh ủy Kiên Giang", "party", ""),
    ("BTGTU", "Ban Tuyên giáo Tỉnh ủy", "party", ""),
    ("BDVTU", "Ban Dân vận Tỉnh ủy", "party", ""),
    ("BTCTU", "Ban Tổ chức Tỉnh ủy", "party", ""),
    ("BNCTU", "Ban Nội chính Tỉnh ủy", "party", ""),
    ("UBKTTU", "Ủy ban Kiểm tra Tỉnh ủy", "party", ""),
    ("VPTU", "Văn phòng Tỉnh ủy", "party", ""),
    ("ĐUK", "Đảng ủy Khối cơ quan và doanh nghiệp tỉnh", "party", ""),
    ("HUGR", "Huyện ủy Giồng Riềng", "party", ""),
    ("HUAB", "Huyện ủy An Biên", "party", ""),
    ("HUHĐ", "Huyện ủy Hòn Đất", "party", ""),
    ("HUCT", "Huyện ủy Châu Thành", "party", ""),
    ("TURG", "Thành ủy Rạch Giá", "party", ""),
    ("TUPQ", "Thành ủy Phú Quốc", "party", ""),
    ("TWĐTN", "Tỉnh đoàn Kiên Giang", "party", ""),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "party", ""),
    ("UBND", "Ủy ban nhân dân tỉnh Kiên Giang", "state", "VP"),
    ("STTTT", "Sở Thông tin và Truyền thông", "state", "TTBCBC"),
    ("SNV", "Sở Nội vụ", "state", "VP"),
    ("SYT", "Sở Y tế", "state", "NVY"),
    ("SGDĐT", "Sở Giáo dục và Đào tạo", "state", "GDTrH"),
    ("STC", "Sở Tài chính", "state", "QLNS"),
    ("SKHĐT", "Sở Kế hoạch và Đầu tư", "state", "TH"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "state", "QLVH"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "state", "VP"),
    ("SXD", "Sở Xây dựng", "state", "QLXD"),
    ("SGTVT", "Sở Giao thông vận tải", "state", "QLVT"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "state", "TTBVTV"),
    ("SCT", "Sở Công Thương", "state", "QLTM"),
    ("SLĐTBXH", "Sở Lao động – Thương binh và Xã hội", "state", "NCC"),
    ("STP", "Sở Tư pháp", "state", "PBGDPL"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "state", "QLKH"),
    ("TTr", "Thanh tra tỉnh", "state", "NV1"),
    ("CAT", "Công an tỉnh", "state", "PV01"),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", "state", "TM"),
    ("UBNDGR", "Ủy ban nhân dân huyện Giồng Riềng", "state", "VP"),
    ("UBNDRG", "Ủy ban nhân dân thành phố Rạch Giá", "state", "VP"),
    ("UBNDPQ", "Ủy ban nhân dân thành phố Phú Quốc", "state", "VP"),
    ("BQLKKT", "Ban Quản lý Khu kinh tế tỉnh", "state", "QLDN"),
    ("ĐPTTH", "Đài Phát thanh và Truyền hình tỉnh", "state", "TS"),
]
# (type code, weight) per system; CV is the công văn.
TYPES = {
    "party": [("CV", 45), ("KH", 12), ("BC", 14), ("TB", 9), ("HD", 6), ("QĐ", 6), ("CTr", 4), ("TTr", 4)],
    "state": [("CV", 45), ("KH", 12), ("BC", 12), ("TB", 9), ("HD", 4), ("QĐ", 8), ("TTr", 4), ("GM", 6)],
}
ACTIONS = [
    "triển khai thực hiện",
    "tổ chức",
    "tổng kết",
    "sơ kết",
    "kiểm tra, giám sát",
    "tuyên truyền",
    "phối hợp thực hiện",
    "đánh giá kết quả",
    "góp ý dự thảo",
    "kết quả thực hiện",
    "hướng dẫn thực hiện",
    "đẩy mạnh",
    "tăng cường",
    "rà soát, bổ sung",
    "cử cán bộ tham dự tập huấn về",
    "đăng ký tham gia",
    "khen thưởng trong",
    "chấn chỉnh",
    "nâng cao hiệu quả",
    "xây dựng và triển khai",
]
TOPIC_HEADS = [
    "công tác dân vận chính quyền",
    "chuyển đổi số",
    "cải cách hành chính",
    "phòng, chống tham nhũng, tiêu cực",
    "bảo vệ nền tảng tư tưởng của Đảng",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "xây dựng nông thôn mới",
    "phòng, chống dịch bệnh",
    "trật tự an toàn giao thông",
    "bầu cử đại biểu Quốc hội và Hội đồng nhân dân các cấp",
    "kỷ niệm Ngày thành lập Đảng Cộng sản Việt Nam",
    "công tác thông tin đối ngoại",
    "thông tin cơ sở",
    "an toàn, an ninh mạng",
    "phát triển chính quyền số",
    "quản lý nhà nước về báo chí, xuất bản",
    "công tác tổ chức cán bộ",
    "đánh giá, xếp loại chất lượng tổ chức cơ sở đảng và đảng viên",
    "công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "phát triển đảng viên mới",
    "thu, nộp đảng phí",
    "công tác bảo vệ chính trị nội bộ",
    "công tác quốc phòng, quân sự địa phương",
    "tuyển chọn và gọi công dân nhập ngũ",
    "phòng cháy, chữa cháy",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "ứng phó với biến đổi khí hậu",
    "bảo vệ môi trường",
    "quản lý đất đai",
    "giải phóng mặt bằng",
    "đầu tư công",
    "giải ngân vốn đầu tư công",
    "thu ngân sách nhà nước",
    "thực hành tiết kiệm, chống lãng phí",
    "cải cách tiền lương",
    "bảo hiểm xã hội, bảo hiểm y tế",
    "giảm nghèo bền vững",
    "chăm sóc người có công với cách mạng",
    "phòng, chống ma túy",
    "phổ biến, giáo dục pháp luật",
    "tiếp công dân, giải quyết khiếu nại, tố cáo",
    "hòa giải ở cơ sở",
    "xây dựng gia đình văn hóa",
    "phát triển du lịch",
    "xúc tiến thương mại",
    "phát triển doanh nghiệp nhỏ và vừa",
    "chương trình mục tiêu quốc gia",
    "giáo dục và đào tạo",
    "kỳ thi tốt nghiệp trung học phổ thông",
    "y tế cơ sở",
    "tiêm chủng mở rộng",
    "an toàn thực phẩm",
    "bình đẳng giới và vì sự tiến bộ của phụ nữ",
    "công tác thanh niên",
    "khoa học và công nghệ",
    "sở hữu trí tuệ",
    "kinh tế biển",
    "khai thác thủy sản bất hợp pháp",
    "chống khai thác IUU",
    "tôn giáo, dân tộc",
]
TOPIC_ASPECTS = ["", "trong tình hình mới", "ở cơ sở", "của cán bộ, đảng viên", "trong cơ quan nhà nước"]
PLACES = [
    "huyện Giồng Riềng",
    "huyện An Biên",
    "huyện An Minh",
    "huyện Châu Thành",
    "huyện Gò Quao",
    "huyện Hòn Đất",
    "huyện Kiên Hải",
    "huyện Kiên Lương",
    "huyện Tân Hiệp",
    "huyện U Minh Thượng",
    "huyện Vĩnh Thuận",
    "huyện Giang Thành",
    "thành phố Rạch Giá",
    "thành phố Phú Quốc",
    "thành phố Hà Tiên",
]
SENTENCES = [
    "Căn cứ chức năng, nhiệm vụ được giao, đề nghị các cơ quan, đơn vị triển khai thực hiện.",
    "Thực hiện chỉ đạo của Thường trực Tỉnh ủy, Ủy ban nhân dân tỉnh.",
    "Các cơ quan, đơn vị báo cáo kết quả về cơ quan thường trực trước ngày 25 hằng tháng.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, phản ánh kịp thời để tổng hợp.",
    "Đề nghị thủ trưởng các cơ quan, đơn vị quan tâm chỉ đạo, phối hợp thực hiện.",
    "Giao Văn phòng theo dõi, đôn đốc việc thực hiện và báo cáo kết quả.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước được giao trong dự toán năm.",
    "Nội dung chi tiết tại phụ lục kèm theo văn bản này.",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Lâm", "Dương", "Châu"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Quốc", "Ngọc", "Đức", "Hoàng", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hà", "Hòa", "Hùng", "Khoa", "Lan", "Long", "Mai", "Nam", "Phúc"]
SIGNER_TITLES = {"party": "PHÓ TRƯỞNG BAN", "state": "PHÓ GIÁM ĐỐC"}


def topics() -> list[str]:
    """300 topics (heads × aspects), commonest first."""
    return [f"{head} {aspect}".strip() for aspect in TOPIC_ASPECTS for head in TOPIC_HEADS]


def topic_weights(count: int) -> list[float]:
    """A long tail: topic r weighs 1/(r + 10), so the commonest is in about 3 % of subjects."""
    return [1 / (rank + 10) for rank in range(count)]


@dataclass(frozen=True)
class Block:
    """The documents one body issued in one year: numbers 1..count, ids from first_id."""

    body: int
    year: int
    count: int
    first_id: int
    register_id: int
    sequence_id: int


@dataclass(frozen=True)
class Load:
    url: str
    blocks: list[Block]
    bodies: list[dict[str, Any]]  # id, abbreviation, name, system, unit
    types: dict[str, dict[str, Any]]  # code → id, names and abbreviations
    constants: dict[str, str]  # column → COPY text, the same for every row
    columns: list[str]
    clerk_id: int
    seed: int


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Writer:
    """Documents of a share of the blocks, as the services would leave them issued.

    search_text is what registry.services.content writes (folded_search_text,
    join_search_text), put together from the folded pieces of each row, which
    is the same text (fold works character by character, then collapses
    spaces) in a fraction of the time; the first row of every block is checked
    against the services' functions."""

    def __init__(self, load: Load, rng: random.Random) -> None:
        from core.text import fold
        from registry.services.content import folded_search_text, join_search_text

        self.load = load
        self.rng = rng
        self.fold = functools.lru_cache(maxsize=None)(fold)
        self.folded_search_text = folded_search_text
        self.join_search_text = join_search_text
        self.topics = topics()
        self.topic_weights = list(itertools.accumulate(topic_weights(len(self.topics))))
        self.type_choices = {
            system: ([code for code, _ in pairs], list(itertools.accumulate(weight for _, weight in pairs)))
            for system, pairs in TYPES.items()
        }
        self.position = {column: index for index, column in enumerate(load.columns)}
        self.template = [load.constants[column] for column in load.columns]
        vocabulary = [*ACTIONS, *self.topics, *PLACES, *SENTENCES, *FAMILY, *MIDDLE, *GIVEN]
        vocabulary += [body["name"] for body in load.bodies]
        # Written to COPY as they are: nothing here needs escaping.
        assert not any(mark in word for word in vocabulary for mark in "\\\t\n\r")

    def topic(self) -> str:
        return self.rng.choices(self.topics, cum_weights=self.topic_weights)[0]

    def subject(self, doc_type: dict[str, Any], system: str, year: int) -> tuple[list[str], str]:
        """The subject's pieces and the topic it is about."""
        rng = self.rng
        topic = self.topic()
        pieces = [rng.choice(ACTIONS), topic]
        shape = rng.random()
        if shape < 0.35:
            pieces += ["năm", str(year)]
        elif shape < 0.5:
            pieces += [rng.choice(["quý I", "quý II", "quý III", "quý IV", "6 tháng đầu"]), "năm", str(year)]
        elif shape < 0.7:
            pieces += ["trên địa bàn", rng.choice(PLACES)]
        elif shape < 0.85:
            reference = rng.choice(
                [
                    f"Nghị quyết số {rng.randint(1, 60)}-NQ/TW",
                    f"Chỉ thị số {rng.randint(1, 40):02d}-CT/TU",
                    f"Kết luận số {rng.randint(1, 900)}-KL/TW",
                    f"Quyết định số {rng.randint(1, 3000)}/QĐ-UBND",
                ]
            )
            pieces[1:] = [reference, "về", topic]
        if doc_type["code"] != "CV" and rng.random() < 0.3:
            pieces.insert(0, doc_type["party_name" if system == "party" else "state_name"])
        pieces[0] = pieces[0][0].upper() + pieces[0][1:]
        return pieces, topic

    def body(self, topic: str) -> list[str]:
        rng = self.rng
        sentences = rng.sample(SENTENCES, rng.randint(1, 3))
        if rng.random() < 0.4:
            sentences[1:1] = ["Gắn với việc thực hiện nhiệm vụ", self.topic(), "và", f"{topic}."]
        return sentences

    def rows(self, block: Block) -> tuple[list[str], list[str]]:
        """COPY lines of the block's documents and of their addressees."""
        rng, load, fold, at = self.rng, self.load, self.fold, self.position
        body = load.bodies[block.body]
        system = body["system"]
        codes, weights = self.type_choices[system]
        documents, addressees = [], []
        for offset in range(block.count):
            number = offset + 1
            day = datetime.date(block.year, 1, 1) + datetime.timedelta(days=offset * 365 // block.count)
            doc_type = load.types[rng.choices(codes, cum_weights=weights)[0]]
            type_abbr = doc_type["party_abbreviation" if system == "party" else "state_abbreviation"]
            unit = ""
            if system == "party":
                notation = f"{number:02d}-{type_abbr}/{body['abbreviation']}"
            elif type_abbr:
                notation = f"{number:02d}/{type_abbr}-{body['abbreviation']}"
            else:
                notation = f"{number:02d}/{body['abbreviation']}-{body['unit']}"
                unit = body["unit"]
            subject_pieces, topic = self.subject(doc_type, system, block.year)
            body_pieces = self.body(topic)
            signer_pieces = [rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)]
            receivers = [other for other in rng.sample(load.bodies, rng.randint(1, 2)) if other["id"] != body["id"]]
            receivers = receivers or [load.bodies[0]]
            subject, text, signer = " ".join(subject_pieces), " ".join(body_pieces), " ".join(signer_pieces)
            search_text = " ".join(
                [
                    fold(notation),
                    *map(fold, subject_pieces),
                    fold(body["name"]),
                    *map(fold, signer_pieces),
                    *(fold(receiver["name"]) for receiver in receivers),
                    *map(fold, body_pieces),
                ]
            )
            if offset == 0:
                self.check(search_text, notation, subject, body["name"], signer, receivers, text)
            issued_at = (
                datetime.datetime.combine(day, datetime.time(8), HCM) + datetime.timedelta(seconds=number)
            ).isoformat()
            document_id = block.first_id + offset
            row = self.template.copy()
            for column, value in (
                ("id", document_id),
                ("register_id", block.register_id),
                ("system", system),
                ("doc_type_id", doc_type["id"]),
                ("number", number),
                ("sequence_id", block.sequence_id),
                ("notation", notation),
                ("type_abbreviation", type_abbr),
                ("issuer_abbreviation", body["abbreviation"]),
                ("drafting_unit", unit),
                ("issued_on", day.isoformat()),
                ("issued_at", issued_at),
                ("issued_by_id", load.clerk_id),
                ("subject", subject),
                ("body", text),
                ("signer_name", signer),
                ("signer_title", SIGNER_TITLES[system]),
                ("issuer_id", body["id"]),
                ("issuer_name", body["name"]),
                ("issuer_header_name", body["name"].upper()),
                ("search_text", search_text),
                # What the triggers of dispatch migration 0003 would write, so that they find nothing to change.
                (
                    READERS_COLUMN,
                    "{" + ",".join(str(pk) for pk in sorted({receiver["id"] for receiver in receivers})) + "}",
                ),
                ("created_at", issued_at),
                ("updated_at", issued_at),
            ):
                row[at[column]] = str(value)
            documents.append("\t".join(row))
            for position, receiver in enumerate(receivers, start=1):
                addressees.append(f"{document_id}\t{position}\torganization\t{receiver['id']}\t\\N\t{receiver['name']}")
        return documents, addressees

    def check(
        self, fast: str, notation: str, subject: str, issuer: str, signer: str, receivers: list[Any], text: str
    ) -> None:
        expected = self.join_search_text(
            notation,
            self.folded_search_text(
                subject=subject,
                issuer_name=issuer,
                signer_name=signer,
                addressee_texts=[receiver["name"] for receiver in receivers],
                body=text,
            ),
        )
        if fast != expected:
            raise RuntimeError(f"search_text differs from the services': {fast!r} != {expected!r}")


def load_share(load: Load, share: int) -> int:
    """Runs in a spawned process: writes its blocks with COPY; the number of documents."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    writer = Writer(load, random.Random(f"{load.seed}-{share}"))
    written = 0
    columns = ", ".join(f'"{column}"' for column in load.columns)
    with psycopg.connect(load.url) as conn:
        for block in load.blocks:
            documents, addressees = writer.rows(block)
            with conn.cursor() as cursor:
                with cursor.copy(f"COPY registry_document ({columns}) FROM STDIN") as copy:
                    copy.write("\n".join(documents) + "\n")
                with cursor.copy(
                    "COPY registry_documentaddressee (document_id, position, kind, organization_id, group_id, text) "
                    "FROM STDIN"
                ) as copy:
                    copy.write("\n".join(addressees) + "\n")
            conn.commit()
            written += len(documents)
    return written


def create_world(documents: int) -> tuple[Load, Any]:
    """The bodies, their registers and counters, the clerk, one document issued
    through the services (whose other columns every row copies), and the blocks."""
    from django.db import connection

    from core.text import fold
    from recipients.models import Organization, Role, User
    from registry.models import Direction, Document, DocumentType, NumberSequence, PeriodKind, Register
    from registry.services import AddresseeInput, document_create_draft, document_issue

    bodies: list[dict[str, Any]] = []
    for abbreviation, name, system, unit in BODIES:
        organization = Organization.objects.create(
            name=name,
            short_name=name,
            abbreviation=abbreviation,
            system=system,
            level="province",
            place="Kiên Giang",
            header_parent_name="TỈNH ỦY KIÊN GIANG" if system == "party" else "UBND TỈNH KIÊN GIANG",
            search_text=fold(" ".join([name, name, abbreviation])),
        )
        register = Register.objects.create(
            owner=organization,
            name=f"Sổ văn bản đi – {abbreviation}",
            direction=Direction.OUTGOING,
            system=system,
            period_kind=PeriodKind.YEAR,
        )
        bodies.append({"organization": organization, "register": register, "unit": unit})
    clerk_body = next(body for body in bodies if body["organization"].abbreviation == CLERK_ABBREVIATION)
    clerk = User.objects.create(username=CLERK_USERNAME, organization=clerk_body["organization"], role=Role.CLERK)
    template = document_issue(
        document=document_create_draft(
            register=clerk_body["register"],
            actor=clerk,
            doc_type=DocumentType.objects.get(code="CV"),
            subject="Thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
            body="Sở Thông tin và Truyền thông đề nghị các cơ quan, đơn vị phối hợp thực hiện.",
            signer_name="Lâm Văn Sển",
            signer_title="GIÁM ĐỐC",
            drafting_unit="TTBCBC",
            addressees=[AddresseeInput(organization=bodies[0]["organization"])],
        ),
        actor=clerk,
        issued_on=datetime.date(2025, 1, 2),
    )
    columns = [str(field.column) for field in Document._meta.concrete_fields] + [READERS_COLUMN]
    constants = {
        str(field.column): _copy_text(field.get_db_prep_save(getattr(template, field.attname), connection))
        for field in Document._meta.concrete_fields
    } | {READERS_COLUMN: "{}"}
    per_block, extra = divmod(documents, len(bodies) * len(YEARS))
    blocks: list[Block] = []
    next_id = template.pk + 1
    for index, body in enumerate(bodies):
        for year in YEARS:
            count = per_block + (1 if len(blocks) < extra else 0)
            if count == 0:
                continue
            sequence = NumberSequence.objects.create(
                register=body["register"],
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                last_number=count,
            )
            blocks.append(Block(index, year, count, next_id, body["register"].pk, sequence.pk))
            next_id += count
    types: dict[str, dict[str, Any]] = {
        row["code"]: dict(row)
        for row in DocumentType.objects.values(
            "id", "code", "state_name", "party_name", "state_abbreviation", "party_abbreviation"
        )
    }
    described = [
        {
            "id": body["organization"].pk,
            "abbreviation": body["organization"].abbreviation,
            "name": body["organization"].name,
            "system": body["organization"].system,
            "unit": body["unit"],
        }
        for body in bodies
    ]
    load = Load(
        url=os.environ["DATABASE_URL"],
        blocks=blocks,
        bodies=described,
        types=types,
        constants=constants,
        columns=columns,
        clerk_id=clerk.pk,
        seed=SEED,
    )
    return load, clerk


def load_documents(load: Load, loaders: int) -> dict[str, float]:
    """COPY from `loaders` processes with the GIN indexes dropped, then rebuilt; VACUUM ANALYZE."""
    from django.db import connection

    timings: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(GIN_INDEXES)])
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    shares = [Load(**{**load.__dict__, "blocks": load.blocks[share::loaders]}) for share in range(loaders)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(loaders) as pool:
        written = sum(pool.starmap(load_share, [(share, index) for index, share in enumerate(shares)]))
    timings["copy_seconds"] = time.perf_counter() - started
    expected = sum(block.count for block in load.blocks)
    if written != expected:
        raise RuntimeError(f"wrote {written} documents, expected {expected}")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in definitions:
            cursor.execute(definition)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('registry_document', 'id'), (SELECT max(id) FROM registry_document))"
        )
    timings["index_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_analyze_seconds"] = time.perf_counter() - started
    return timings


def search_queries(count: int, rng: random.Random) -> list[str]:
    """What users type: lower case, no diacritics, a few words they remember of
    a subject; topics drawn as often as they occur."""
    from core.text import fold
    from registry.models import DocumentType

    all_topics = topics()
    weights = topic_weights(len(all_topics))
    types = DocumentType.objects.filter(code__in=["KH", "BC", "TB", "HD"])
    type_names = list(types.values_list("state_name", flat=True))
    queries = []
    for _ in range(count):
        topic = fold(rng.choices(all_topics, weights)[0]).replace(",", "").split()
        head = topic[: rng.randint(2, 4)]
        shape = rng.random()
        if shape < 0.25:
            words = topic
        elif shape < 0.45:
            words = fold(rng.choice(ACTIONS)).replace(",", "").split() + topic
        elif shape < 0.65:
            words = fold(rng.choice(type_names)).split() + head
        elif shape < 0.85:
            words = [*head, str(rng.choice(YEARS))]
        else:
            words = head + fold(rng.choice(PLACES)).split()[1:]
        queries.append(" ".join(words[:7]))
    return queries


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return (time.perf_counter() - started) * 1000, result


def timed_request(work: Callable[[], Any]) -> tuple[float, Any]:
    """`work` run as a server runs a request: from request_started to the
    response. What request_finished then does (config/garbage.py collects the
    request's garbage; connections are checked) happens in a server once the
    response has been sent, so it is not counted. Not inside a transaction:
    Django closes a connection a request leaves in one."""
    from django.core.signals import request_finished, request_started

    started = time.perf_counter()
    request_started.send(sender=None)
    result = work()
    elapsed = (time.perf_counter() - started) * 1000
    request_finished.send(sender=None)
    return elapsed, result


def summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def measure(
    documents: int, queries: int, baseline_runs: int, loaders: int = LOADERS, reuse: bool = False
) -> dict[str, Any]:
    """Loads the documents (unless `reuse`: those a run with --keep left), then times the searches."""
    import scenario
    from django.db import connection, transaction
    from django.db.models import Max, Min

    from core.pagination import CountingPaginator
    from recipients.models import User
    from registry.filters import DocumentFilter
    from registry.models import Document
    from registry.search import filter_by_notation
    from registry.selectors import document_list, documents_in_order, visible_documents

    load_before = os.getloadavg()[0]
    timings: dict[str, float] = {}
    if reuse:
        clerk = User.objects.get(username=CLERK_USERNAME)
    else:
        started = time.perf_counter()
        load, clerk = create_world(documents)
        timings = load_documents(load, loaders)
        timings["load_seconds"] = time.perf_counter() - started
    first_id, last_id = Document.objects.aggregate(Min("pk"), Max("pk")).values()
    rng = random.Random(SEED)

    def api_page(params: dict[str, str]) -> int:
        """What the list endpoint asks of the database: the first page with its count
        (core.api.SearchPagination), then the page's prefetches."""
        rows = DocumentFilter(params, queryset=document_list(user=clerk), request=SimpleNamespace(user=clerk)).qs
        page = CountingPaginator(rows, PAGE, rows_by_id=documents_in_order).page(1)
        return page.paginator.count

    def notation_rows(text: str) -> int:
        return len(list(filter_by_notation(visible_documents(Document.objects.all(), user=clerk), text)))

    visible = visible_documents(Document.objects.all(), user=clerk).count()
    total = Document.objects.count()

    subject_queries = search_queries(queries, rng)
    for query in subject_queries[:WARM_UP]:
        timed_request(functools.partial(api_page, {"q": query}))
    subject_times, subject_rows = [], []
    for query in subject_queries:
        elapsed, rows = timed_request(functools.partial(api_page, {"q": query}))
        subject_times.append(elapsed)
        subject_rows.append(rows)

    ids = [rng.randint(first_id, last_id) for _ in range(queries + WARM_UP)]
    notations = list(Document.objects.filter(pk__in=ids).values_list("notation", flat=True))
    rng.shuffle(notations)
    for notation in notations[:WARM_UP]:
        timed_request(functools.partial(notation_rows, f"Số {notation}"))
    notation_times, notation_found = [], []
    for notation in notations[WARM_UP:]:
        elapsed, rows = timed_request(functools.partial(notation_rows, f"Số {notation}"))
        notation_times.append(elapsed)
        notation_found.append(rows)

    all_topics = topics()
    subject_scan = []
    for _ in range(baseline_runs):
        topic = rng.choices(all_topics, topic_weights(len(all_topics)))[0]
        subject_scan.append(
            timed(functools.partial(api_page_icontains, document_list(user=clerk), "subject", topic))[0]
        )
    notation_scan = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute('DROP INDEX "registry_document_notation_trgm"')
        for notation in notations[WARM_UP : WARM_UP + baseline_runs]:
            notation_scan.append(
                timed(functools.partial(api_page_icontains, document_list(user=clerk), "notation", notation))[0]
            )
        transaction.set_rollback(True)

    search, lookup = summary(subject_times), summary(notation_times)
    subject_baseline, notation_baseline = summary(subject_scan), summary(notation_scan)
    subject_ratio = subject_baseline["p95_ms"] / search["p95_ms"]
    notation_ratio = notation_baseline["p95_ms"] / lookup["p95_ms"]
    meets = {
        "search_p95": search["p95_ms"] <= TARGET_SEARCH_P95_MS,
        "notation_p95": lookup["p95_ms"] <= TARGET_NOTATION_P95_MS,
        "search_ratio": subject_ratio >= TARGET_RATIO,
        "notation_ratio": notation_ratio >= TARGET_RATIO,
    }
    rows_sorted = sorted(subject_rows)
    return {
        "benchmark": "search",
        "database": scenario.server_version(),
        "cpu_count": os.cpu_count(),
        "load_average_1min_before": round(load_before, 2),
        "documents": total,
        "loaders": loaders,
        "visible_to_clerk": visible,
        "timings": {name: round(seconds, 1) for name, seconds in timings.items()} or "reused a kept database",
        "subject_search": {
            **search,
            "queries": len(subject_times),
            "rows_found_p50": rows_sorted[len(rows_sorted) // 2],
            "rows_found_max": rows_sorted[-1],
            "examples": subject_queries[:8],
            "work": "DocumentFilter(q) on document_list(user=clerk): first page of 50 with its count "
            "(core.pagination.CountingPaginator, as the API pages a search), then its prefetches",
        },
        "notation_lookup": {
            **lookup,
            "queries": len(notation_times),
            "rows_found_max": max(notation_found),
            "work": "filter_by_notation('Số …') on visible_documents(user=clerk), rows fetched (one query)",
        },
        "subject_icontains": {
            **subject_baseline,
            "runs": len(subject_scan),
            "work": "subject__icontains=<topic> on document_list(user=clerk): count, then first page of 50",
        },
        "notation_icontains": {
            **notation_baseline,
            "runs": len(notation_scan),
            "work": "notation__icontains=<notation> on document_list(user=clerk), trigram index dropped: "
            "count, then first page of 50",
        },
        "subject_ratio_p95": round(subject_ratio, 1),
        "notation_ratio_p95": round(notation_ratio, 1),
        "target_search_p95_ms": TARGET_SEARCH_P95_MS,
        "target_notation_p95_ms": TARGET_NOTATION_P95_MS,
        "target_ratio": TARGET_RATIO,
        "meets": meets,
        "meets_target": all(meets.values()),
    }


def api_page_icontains(documents: Any, field: str, text: str) -> int:
    rows = documents.filter(**{f"{field}__icontains": text})
    count = rows.count()
    list(rows[:PAGE])
    return count


def verdict(report: dict[str, Any]) -> str:
    if "skipped" in report:
        return f"search: skipped – {report['skipped']}"
    search, lookup = report["subject_search"], report["notation_lookup"]
    return (
        f"search over {report['documents']} documents: subject p95 {search['p95_ms']} ms "
        f"(target ≤ {TARGET_SEARCH_P95_MS:g}), {report['subject_ratio_p95']}× icontains; notation p95 "
        f"{lookup['p95_ms']} ms (target ≤ {TARGET_NOTATION_P95_MS:g}), {report['notation_ratio_p95']}× icontains "
        f"(target ≥ {TARGET_RATIO:g}×) – target {'MET' if report['meets_target'] else 'MISSED'}"
    )


def reachable(url: str) -> str | None:
    """Why PostgreSQL cannot be used, or None."""
    try:
        with psycopg.connect(make_conninfo(url, dbname="postgres"), connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL at {make_conninfo(url, dbname='postgres', password=None)}: {exc}".strip()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--documents", type=run.positive_int, default=DOCUMENTS, help=f"documents to load (default {DOCUMENTS})"
    )
    parser.add_argument("--queries", type=run.positive_int, default=QUERIES, help=f"timed searches (default {QUERIES})")
    parser.add_argument(
        "--baseline-runs",
        type=run.positive_int,
        default=BASELINE_RUNS,
        help=f"timed icontains scans of each kind (default {BASELINE_RUNS})",
    )
    parser.add_argument(
        "--loaders", type=run.positive_int, default=LOADERS, help=f"processes writing with COPY (default {LOADERS})"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the database a run with --keep left (no loading)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_SEARCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    problem = reachable(url)
    if problem is not None:
        report: dict[str, Any] = {"benchmark": "search", "skipped": problem, "meets_target": False}
    else:
        report = run.in_bench_database(
            url,
            lambda: measure(args.documents, args.queries, args.baseline_runs, args.loaders, args.reuse),
            keep=args.keep,
            fresh=not args.reuse,
        )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(verdict(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
