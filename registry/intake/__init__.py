"""Intake: read the text of an official document into the CONTRACT's intake object.

``read_document`` reads a whole document (header, addressees, body, distribution, signature);
``extract_deadlines`` reads the deadlines of a body alone, for reporting obligations.
"""

from registry.intake.deadlines import BEFORE, BY, DURING, Deadline, extract_deadlines
from registry.intake.document import read_document
from registry.intake.result import Intake, empty_intake

__all__ = ["BEFORE", "BY", "DURING", "Deadline", "Intake", "empty_intake", "extract_deadlines", "read_document"]
