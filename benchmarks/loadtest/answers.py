"""After the load test: every answer the quiz takers had acknowledged is in the database.

    python benchmarks/loadtest/answers.py RECORD.json

RECORD.json is what the locust users wrote (locustfile.py): per attempt and question, the last
answer the server acknowledged and any sent after it without an acknowledgement (cut off when
locust stopped), the owner of each attempt, and the attempts whose submission came back with the
review page. An answer is lost when the question's stored response is neither the acknowledged
one nor one sent after it; a submission is lost when its attempt is still in progress. Prints
the check and exits 1 on any loss.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def as_sent(slot):
    """A stored response in the shape the phone sent it: the chosen answers by the tokens
    the attempt's page showed for them."""
    response = slot.response
    if response is None or "answers" not in response:
        return response
    tokens = {answer_id: token for token, answer_id in slot.choices}
    return {"answers": sorted(tokens[answer_id] for answer_id in response["answers"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record", type=Path)
    options = parser.parse_args()
    record = json.loads(options.record.read_text(encoding="utf-8"))

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings")
    import django

    django.setup()

    from assessments.models import Attempt, AttemptQuestion

    attempt_ids = {int(key.split(":")[0]) for key in record["answers"]}
    attempt_ids |= {int(pk) for pk in record["submitted"]}
    # An attempt started just before locust stopped has no answer yet: still check its owner.
    attempt_ids |= {int(pk) for pk in record["owners"]}
    attempts = {
        attempt.pk: attempt
        for attempt in Attempt.objects.filter(pk__in=attempt_ids).select_related("officer__user")
    }
    stored = {
        f"{slot.attempt_id}:{slot.position}": as_sent(slot)
        for slot in AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
    }
    problems = []
    for pk, username in record["owners"].items():
        attempt = attempts.get(int(pk))
        if attempt is None or attempt.officer.user.username != username:
            problems.append(f"attempt {pk} of {username} is missing or belongs to someone else")
    acknowledged = 0
    for key, sent in sorted(record["answers"].items()):
        if sent["acked"] is None:
            continue  # never acknowledged: the officer's phone would still hold it
        acknowledged += 1
        if stored.get(key) != sent["acked"] and stored.get(key) not in sent["pending"]:
            problems.append(
                f"answer {key} lost: acknowledged {sent['acked']}, stored {stored.get(key)}"
            )
    for pk in record["submitted"]:
        attempt = attempts.get(int(pk))
        if attempt is None or attempt.state == Attempt.State.IN_PROGRESS:
            problems.append(f"attempt {pk} was submitted but is not graded")

    print(
        f"no-lost-answers check: {len(attempt_ids)} attempts, {acknowledged} acknowledged "
        f"answers, {len(record['submitted'])} submissions compared with the database"
    )
    if not acknowledged:
        problems.append("no answer was acknowledged: the quiz takers did not get to answer")
    for problem in problems:
        print(f"  LOST: {problem}")
    if problems:
        print(f"  {len(problems)} problem(s)")
        sys.exit(1)
    print("  every acknowledged answer and every submission is in the database")


if __name__ == "__main__":
    main()
