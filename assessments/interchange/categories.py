"""Category paths in Moodle files, read and written the way Moodle's qformat_default does
(question/format.php: split_category_path, assemble_category_path, create_category_path,
get_category_path).

A path in a file is "$course$/top/Chữ ký số/Văn bản": names separated by single "/", a "/"
inside a name written "//", first the context and the context's hidden "top" category. This
platform has one bank and no contexts: the top is the root of the category tree (categories
without a parent). Readers turn a file's path into a path from the root (`path_from_file`), in
the same notation, and writers turn it back (`path_in_file`), so that a bank exported and
imported again lands in the very same categories.
"""

import re

from django.utils.html import strip_tags

# Moodle's own test: `preg_match('/^\$([a-z]+)\$$/', $catnames[0])`.
CONTEXT = re.compile(r"^\$[a-z]+\$$")
# A single "/" (not one of a "//" pair) separates names.
SEPARATOR = re.compile(r"(?<!/)/(?!/)")
TOP = "top"
# What Moodle writes before a path: the course context and its top category.
FILE_PREFIX = "$course$/top"


def split_category_path(path):
    """The names of "A/B//C/D": ["A", "B/C", "D"], trimmed and without tags like Moodle's
    PARAM_TEXT cleaning. Empty names are dropped: Moodle would create a category called ""
    for "A//" typed as "A/", which no one can choose afterwards."""
    names = (strip_tags(raw.replace("//", "/")).strip() for raw in SEPARATOR.split(path))
    return [name[:255] for name in names if name]


def assemble_category_path(names):
    """The reverse of `split_category_path`: "/" in a name doubled, and a space added where a
    name starts or ends with "/" so that the doubled slash does not touch the separator."""
    escaped = []
    for name in names:
        name = name.replace("/", "//")
        if name.startswith("/"):
            name = " " + name
        if name.endswith("/"):
            name += " "
        escaped.append(name)
    return "/".join(escaped)


def path_from_file(path):
    """The path from the root that a file's category path names, "" when it names the top.

    As create_category_path does: a leading "$course$", "$system$", "$module$", "$cat$"…
    names the context and is dropped; then a leading "top" is the context's top category,
    here the root: "$course$/top/A/B", "$course$/A/B" and "A/B" (files from before Moodle 1.9)
    are all A/B at the root. Moodle also skips further "top" names at the start when no such
    category exists (nested tops that the bug fixed by MDL-63165 left in exports); here they
    are always skipped, so a root category literally called "top" cannot be named in a file.
    Later names are taken as they are.
    """
    names = split_category_path(path)
    if names and CONTEXT.match(names[0]):
        names = names[1:]
    while names and names[0] == TOP:
        names = names[1:]
    return assemble_category_path(names)


def path_in_file(path):
    """What Moodle's export writes for a category at `path` from the root:
    "$course$/top/A/B" (get_category_path with the context, below the top category)."""
    return f"{FILE_PREFIX}/{path}" if path else FILE_PREFIX
