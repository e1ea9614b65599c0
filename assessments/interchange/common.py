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
    category: str = ""  # "A/B/C", from a $CATEGORY line or a <question type="category">
    general_feedback: str = ""  # HTML
    default_mark: Decimal = Decimal("1")
    shuffle_answers: bool = True
    case_sensitive: bool = False
    answers: list = field(default_factory=list)  # ParsedAnswer
    files: list = field(default_factory=list)  # ParsedFile
    position: str = ""  # where it was in the file, for messages: "line 12", "question 3"


@dataclass
class ParsedCategory:
    path: str  # "A/B/C"
    description: str = ""


@dataclass
class ParsedBank:
    questions: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # categories declared, even when empty


class InterchangeError(Exception):
    """The file cannot be imported; `problems` says what and where (one message each)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
