"""The documents bench/search.py searches: 40 bodies of a province, each with
an outgoing register holding ten years of issued documents, written with COPY
from one process per share (see bench/search.py for the whole story and
bench/README.md for the figures).
"""

import datetime
import functools
import itertools
import multiprocessing
import os
import random
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from search_vocabulary import (
    ACTIONS,
    BODIES,
    FAMILY,
    GIVEN,
    MIDDLE,
    PLACES,
    SENTENCES,
    SIGNER_TITLES,
    TYPES,
    topic_weights,
    topics,
)

SEED = 20240301
YEARS = range(2015, 2025)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
GIN_INDEXES = ("registry_document_search_terms", "registry_document_notation_trgm")
CLERK_ABBREVIATION = "STTTT"
READERS_COLUMN = "reader_organizations"
CLERK_USERNAME = "vanthu_search_bench"


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
