"""The demo's texts are data files under demo/content/ (TOML, which trainers can read and edit
without Python): the catalogue, one file per course with its lessons, one per quiz with its
question bank, and the pools of sample names."""

import re
import tomllib
from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"


def read(name):
    """The data of one file, e.g. read("catalogue.toml")."""
    with (CONTENT / name).open("rb") as file:
        return tomllib.load(file)


def read_folder(folder):
    """The data of every file in a folder, in the order their names start with (1-…, 2-…)."""
    paths = (CONTENT / folder).glob("*.toml")
    return [read(path.relative_to(CONTENT)) for path in sorted(paths, key=_number_first)]


def _number_first(path):
    number = re.match(r"\d+", path.name)
    return (int(number.group()) if number else 0, path.name)
