"""Locust users of the platform: officers reading lessons, officers taking quizzes, HR reading
reports. Run by benchmarks/loadtest/run.py, which builds the database and writes the plan this
file reads (LOADTEST_PLAN: accounts, password, courses, quizzes).

Each locust user logs in once, with its own account (no two users share one, so login
throttling never locks anyone out), then works like a person: pages are requested as a phone
would, forms carry the CSRF token read from the page. Think times are compressed (a real officer
reads a lesson for minutes, not seconds), so one locust user stands for several real ones.

Quiz takers record every answer they send and whether the server acknowledged it
(LOADTEST_RECORD, written when locust stops); the runner compares that with the database:
an acknowledged answer missing from its attempt is a lost answer.
"""

import json
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text(encoding="utf-8"))
RECORD_PATH = os.environ.get("LOADTEST_RECORD")

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POSITION = re.compile(r'name="positions" value="(\d+)"')
ATTEMPT_URL = re.compile(r"/attempts/(\d+)/(?:\?page=\d+)?$")
REVIEW_URL = re.compile(r"/attempts/(\d+)/review/$")
LESSON_DONE = re.compile(r'action="(/lessons/\d+/done/)"')
ENROL = re.compile(r'action="(/courses/\d+/enrol/)"')
CSV_DOWNLOAD = re.compile(r'href="([^"]*export=csv[^"]*)"')
REPORTS = ["coverage", "certification", "assessments", "competency", "before-after-2025"]
TYPED = ["BCY", "Ban Cơ yếu Chính phủ", "Kiểm tra chứng thư số trước khi ký", "Một cửa"]

# Accounts are handed out once each, in order, to the users as they start.
_accounts = {"learner": iter(PLAN["learners"]), "hr": iter(PLAN["hr"])}
_accounts_lock = threading.Lock()


def next_account(kind):
    with _accounts_lock:
        try:
            return next(_accounts[kind])
        except StopIteration:
            raise RuntimeError(
                f"The plan has too few {kind} accounts for this many users."
            ) from None


# What the quiz takers sent: "attempt:position" → the last acknowledged answer (in the stored
# shape) and the answers sent after it without an acknowledgement (a request cut off when
# locust stopped may or may not have reached the database).
SENT = {}
SUBMITTED = {}  # attempt id → username, for attempts whose review page came back
OWNERS = {}  # attempt id → username


def sent(attempt, position, value):
    SENT.setdefault(f"{attempt}:{position}", {"acked": None, "pending": []})["pending"].append(
        value
    )


def acknowledged(attempt, position, value):
    SENT[f"{attempt}:{position}"] = {"acked": value, "pending": []}


@events.quitting.add_listener
def write_record(environment, **kwargs):
    if RECORD_PATH:
        Path(RECORD_PATH).write_text(
            json.dumps({"answers": SENT, "submitted": SUBMITTED, "owners": OWNERS}),
            encoding="utf-8",
        )


def csrf_token(html):
    found = CSRF.search(html)
    return found.group(1) if found else ""


class Visitor(HttpUser):
    abstract = True
    login_path = "/accounts/login/"
    account_kind = "learner"

    def on_start(self):
        self.username = next_account(self.account_kind)
        form = self.client.get(self.login_path, name="log-in page")
        with self.client.post(
            self.login_path,
            data={
                "username": self.username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": csrf_token(form.text),
            },
            name="log in",
            catch_response=True,
        ) as response:
            # A refused login shows the form again; a successful one leads elsewhere.
            if response.url.endswith(self.login_path) or "sessionid" not in self.client.cookies:
                response.failure(f"{self.username} was not logged in ({response.status_code})")

    def post(self, path, html, data=None, **kwargs):
        return self.client.post(
            path, data={"csrfmiddlewaretoken": csrf_token(html), **(data or {})}, **kwargs
        )


class OfficerReadingLessons(Visitor):
    """Browses the catalogue, opens a course, enrols, reads a few lessons and marks them done."""

    weight = 6
    wait_time = between(2, 8)

    @task
    def read_lessons(self):
        self.client.get("/khoa-hoc/", name="catalogue")
        course = random.choice(PLAN["courses"])
        page = self.client.get(course["url"], name="course")
        enrol = ENROL.search(page.text)
        if enrol:
            self.post(enrol.group(1), page.text, name="enrol")
        lessons = re.findall(rf'href="({re.escape(course["url"])}[^"/]+/)"', page.text)
        if not lessons:
            return
        first = random.randrange(len(lessons))
        for url in lessons[first : first + 3]:
            lesson = self.client.get(url, name="lesson")
            self.wait()  # reading
            done = LESSON_DONE.search(lesson.text)
            if done:
                self.post(done.group(1), lesson.text, name="lesson done")
        if random.random() < 0.3:
            self.client.get("/my-courses/", name="my courses")


class OfficerTakingQuizzes(Visitor):
    """Starts (or resumes) a quiz, answers each question — saved as it is given, sometimes
    changed — moves page by page and submits."""

    weight = 3
    wait_time = between(1, 4)

    @task
    def take_a_quiz(self):
        slug = random.choice(PLAN["quizzes"])
        quiz = self.client.get(f"/quizzes/{slug}/", name="quiz")
        start = f"/quizzes/{slug}/start/"
        if f'action="{start}"' not in quiz.text:
            return  # no attempts left on this quiz: another one next time
        page = self.post(start, quiz.text, name="quiz start")
        match = ATTEMPT_URL.search(page.url)
        if not match:
            return
        attempt = int(match.group(1))
        OWNERS[attempt] = self.username
        number = 1
        while True:
            answers = {}
            for position in POSITION.findall(page.text):
                self.wait()  # reading the question
                answers[position] = self.answer(attempt, page.text, position)
                if random.random() < 0.2:  # second thoughts
                    answers[position] = self.answer(attempt, page.text, position)
            data = {"positions": list(answers)}
            for fields in answers.values():
                data.update(fields)
            last = 'name="submit"' in page.text
            for position, fields in answers.items():
                sent(attempt, position, stored_shape(position, fields))
            if last:
                data["submit"] = "1"
                with self.post(
                    f"/attempts/{attempt}/save/",
                    page.text,
                    data,
                    name="submit attempt",
                    catch_response=True,
                ) as response:
                    if REVIEW_URL.search(response.url):
                        SUBMITTED[attempt] = self.username
                    else:
                        response.failure(f"submitting attempt {attempt} led to {response.url}")
                return
            number += 1
            data["go_to"] = str(number)
            page = self.post(f"/attempts/{attempt}/save/", page.text, data, name="next page")
            if not ATTEMPT_URL.search(page.url):
                return  # the time was up: the server submitted it

    def answer(self, attempt, html, position):
        """Answer one question as a person would, and autosave it as the page's script does."""
        choices = re.findall(
            rf'<input type="(radio|checkbox)" name="q{position}" value="([\w-]+)"', html
        )
        if choices:
            ids = [value for _kind, value in choices]
            if choices[0][0] == "radio":
                chosen = [random.choice(ids)]
            else:
                chosen = random.sample(ids, random.randint(1, len(ids)))
            fields = {f"q{position}-shown": "1", f"q{position}": chosen}
        else:
            fields = {f"q{position}-text": f"{random.choice(TYPED)} {random.randint(1, 999)}"}
        value = stored_shape(position, fields)
        sent(attempt, position, value)
        with self.post(
            f"/attempts/{attempt}/save/",
            html,
            {"positions": position, **fields},
            headers={"X-Requested-With": "fetch"},
            name="autosave answer",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and response.json().get("saved"):
                acknowledged(attempt, position, value)
            elif response.status_code == 409:
                response.success()  # closed (time up): refused, and the page says so
            else:
                response.failure(f"autosave refused: {response.status_code} {response.text[:80]}")
        return fields


def stored_shape(position, fields):
    """The answer in the shape the check compares (answers.py): typed text, or the chosen
    choices' tokens (the server stores the answers they stand for)."""
    text = fields.get(f"q{position}-text")
    if text is not None:
        return {"text": text}
    return {"answers": sorted(set(fields.get(f"q{position}", [])))}


class HrReadingReports(Visitor):
    """Logs in to the administration and opens the training reports, sometimes downloading one
    or looking up an officer."""

    weight = 1
    wait_time = between(3, 10)
    login_path = "/admin/login/"
    account_kind = "hr"

    @task(6)
    def open_a_report(self):
        report = random.choice(REPORTS)
        self.client.get(f"/admin/training-reports/{report}/", name=f"report: {report}")

    @task(2)
    def download_coverage(self):
        page = self.client.get("/admin/training-reports/coverage/", name="report: coverage")
        link = CSV_DOWNLOAD.search(page.text)
        if link:
            url = link.group(1).replace("&amp;", "&")
            self.client.get(url, name="report: coverage CSV download")

    @task(1)
    def look_up_an_officer(self):
        self.client.get(
            "/admin/training-reports/officers/",
            params={"q": random.choice(["Nguyễn", "Lò", "Thị", "Văn", "Hoàng"])},
            name="report: officer search",
        )
