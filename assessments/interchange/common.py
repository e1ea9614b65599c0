"""What the GIFT and Moodle XML readers produce and the writers consume."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class ParsedAnswer:
    text: str  # HTML
    fraction: Decimal
    feedback: str = ""  # HTML


@dataclass
class ParsedFile:
    name: str
    content: bytes


@dataclass
class ParsedQuestion:
    kind: str  # a Question.Kind value
    name: str
    text: str  # HTML
    # The path from the root of the bank, "A/B/C" ("/" in a name doubled, see categories.py),
    # of the file's last $CATEGORY line or <question type="category">; "" before the first:
    # the category chosen for the import.
    category: str = ""
    general_feedback: str = ""  # HTML
    default_mark: Decimal = Decimal("1")
    shuffle_answers: bool = True
    case_sensitive: bool = False
    answers: list = field(default_factory=list)  # ParsedAnswer
    files: list = field(default_factory=list)  # ParsedFile
    position: str = ""  # where it was in the file, for messages: "line 12", "question 3"


@dataclass
class ParsedCategory:
    path: str  # "A/B/C" from the root of the bank, as ParsedQuestion.category
    description: str = ""


@dataclass
class ParsedBank:
    questions: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # categories declared, even when empty
    # Files the reader left out ("question 3 (“…”): file “x.html” was not imported: …").
    skipped: list = field(default_factory=list)


class InterchangeError(Exception):
    """The file cannot be imported; `problems` says what and where (one message each)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
