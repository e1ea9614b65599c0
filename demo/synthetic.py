"""A realistic, made-up national dataset for load tests and report benchmarks.

`generate()` fills a database with the whole country's current units (the bundled national
files), officers in a chosen number of communes (about 41 each, as in the 2025 commune-level
staffing), twelve courses in four tracks with a quiz each, assignments with deadlines per
province and job position, enrolments, quiz attempts, certificates and, for a sample of
communes, lesson completions with the time spent on each lesson (LessonVisit). Completion rates
differ by province, commune, officer and course, so reports show leaders and laggards, overdue
assignments and expired or renewed certificates.

Everything is written with bulk_create in batches: no per-row save(), no signals, no outbox
events (the procedure system must not hear of made-up certificates). The data depend only on the
seed, the sizes and the as-of date: each commune draws from its own random stream, so the same
commune gets the same people and history whatever else is generated. Nobody here is real:
e-mail addresses end in ".invalid" and there are no phone numbers.
"""

import datetime
import logging
import math
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, reset_queries, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from assessments.models import Answer, Attempt, Question, QuestionCategory, Quiz, QuizRandomDraw
from certification.issuing import add_months
from certification.models import (
    CODE_ALPHABET,
    RENEWAL_WINDOW,
    Certificate,
    CertificateLogEntry,
    SkillCodes,
)
from courses.models import (
    Assignment,
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    LessonVisit,
    SkillTag,
    TrackPage,
)
from officers import roles
from officers.models import JobPosition, Officer
from officers.names import sort_key
from toolkit.text import fold
from units.loader import load_bundled_national
from units.models import AdministrativeUnit

from .catalogue import CATALOGUE, home_page
from .sample_names import random_name

DEFAULT_OFFICERS = 140_000
DEFAULT_COMMUNES = 3_321
BATCH_SIZE = 5_000  # rows per INSERT
CHUNK_OFFICERS = 10_000  # officers (with their history) generated before writing
# Starts with "!", Django's mark of an unusable password.
UNUSABLE_PASSWORD = "!synthetic"  # noqa: S105  # nosec B105
EMAIL_DOMAIN = "kynangso.invalid"  # a reserved top-level domain: mail can never go out
# Northern mountain provinces, where Thái, H'Mông and other ethnic names are common.
MOUNTAIN_PROVINCES = {"04", "08", "11", "12", "14", "15", "20"}
MOUNTAIN_NAME_SHARE = 0.6

ALL = "*"
LEADERS = ["chu-tich", "pho-chu-tich"]
# A commune of about 41 officers (Decree 150/2025 staffing): how many of each position, scaled to
# the commune's size; every commune has its People's Committee chair.
ROSTER = [
    ("chu-tich", 1), ("pho-chu-tich", 2), ("van-thu", 2), ("van-phong", 4),
    ("tu-phap-ho-tich", 3), ("tai-chinh-ke-toan", 3), ("kinh-te", 7), ("van-hoa-xa-hoi", 7),
    ("mot-cua", 7), ("chuyen-doi-so", 1), ("to-chuc-nhan-su", 2), ("quan-su", 2),
]  # fmt: skip
NO_POSITION_SHARE = 0.01  # newly recruited, position not recorded yet

TRACKS = [
    ("tong-hop-van-ban-so", "Văn bản điện tử và chữ ký số"),
    ("tong-hop-dich-vu-cong", "Dịch vụ công trực tuyến"),
    ("tong-hop-ky-nang-so", "Kỹ năng số cơ bản"),
    ("tong-hop-chuyen-doi-so", "Chuyển đổi số ở cấp xã"),
]


@dataclass(frozen=True)
class CourseSpec:
    track: str
    slug: str
    title: str
    skills: tuple
    positions: tuple  # required for these job positions (ALL: every position)
    certificate_months: int | None  # None: no certificate; 0: a certificate that never expires
    campaign_days_ago: int  # when provinces assigned it, about
    window_days: int  # time given to finish it
    ease: float  # added to an officer's propensity to complete
    self_enrol: float  # share of the other officers who enrol on their own
    lessons: int
    level: str = CoursePage.Level.BASIC


COURSES = [
    CourseSpec(
        "tong-hop-van-ban-so",
        "ky-so-cong-vu-co-ban",
        "Ký số văn bản trong công vụ",
        skills=("IU14", "DS04"),
        positions=(ALL,),
        certificate_months=24,
        campaign_days_ago=380,
        window_days=90,
        ease=0.05,
        self_enrol=0,
        lessons=5,
    ),
    CourseSpec(
        "tong-hop-van-ban-so",
        "ho-so-cong-viec-dien-tu",
        "Quản lý văn bản và hồ sơ công việc điện tử",
        skills=("IU03", "DS02"),
        positions=(*LEADERS, "van-thu", "van-phong", "to-chuc-nhan-su"),
        certificate_months=None,
        campaign_days_ago=300,
        window_days=60,
        ease=0,
        self_enrol=0.12,
        lessons=5,
        level=CoursePage.Level.INTERMEDIATE,
    ),
    CourseSpec(
        "tong-hop-van-ban-so",
        "luu-tru-ho-so-dien-tu",
        "Lưu trữ hồ sơ điện tử",
        skills=("IU03", "IU14"),
        positions=("van-thu",),
        certificate_months=None,
        campaign_days_ago=150,
        window_days=60,
        ease=0,
        self_enrol=0.2,
        lessons=4,
        level=CoursePage.Level.ADVANCED,
    ),
    CourseSpec(
        "tong-hop-dich-vu-cong",
        "mot-cua-dien-tu",
        "Một cửa điện tử và dịch vụ công",
        skills=("IU06", "DS06"),
        positions=(
            "mot-cua",
            "tu-phap-ho-tich",
            "kinh-te",
            "van-hoa-xa-hoi",
            *LEADERS,
            "chuyen-doi-so",
        ),
        certificate_months=24,
        campaign_days_ago=330,
        window_days=75,
        ease=-0.05,
        self_enrol=0.15,
        lessons=6,
        level=CoursePage.Level.INTERMEDIATE,
    ),
    CourseSpec(
        "tong-hop-dich-vu-cong",
        "so-hoa-ho-so-tthc",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        skills=("IU02", "DS01"),
        positions=("mot-cua", "tu-phap-ho-tich", "van-thu"),
        certificate_months=None,
        campaign_days_ago=200,
        window_days=45,
        ease=0,
        self_enrol=0.12,
        lessons=4,
    ),
    CourseSpec(
        "tong-hop-dich-vu-cong",
        "dinh-danh-vneid",
        "Định danh và xác thực điện tử VNeID",
        skills=("DS06", "DS04"),
        positions=(ALL,),
        certificate_months=None,
        campaign_days_ago=100,
        window_days=60,
        ease=0.08,
        self_enrol=0,
        lessons=4,
    ),
    CourseSpec(
        "tong-hop-ky-nang-so",
        "ky-nang-so-can-ban",
        "Kỹ năng số cơ bản cho cán bộ cấp xã",
        skills=("IU01", "IU02", "DS01"),
        positions=(ALL,),
        certificate_months=12,
        campaign_days_ago=410,
        window_days=120,
        ease=0.1,
        self_enrol=0,
        lessons=6,
    ),
    CourseSpec(
        "tong-hop-ky-nang-so",
        "bang-tinh-bao-cao",
        "Bảng tính cho báo cáo thống kê",
        skills=("IU04", "IU08"),
        positions=("tai-chinh-ke-toan", "kinh-te", "van-phong"),
        certificate_months=None,
        campaign_days_ago=240,
        window_days=60,
        ease=-0.1,
        self_enrol=0.1,
        lessons=5,
        level=CoursePage.Level.INTERMEDIATE,
    ),
    CourseSpec(
        "tong-hop-ky-nang-so",
        "an-toan-thong-tin-lua-dao",
        "An toàn thông tin và phòng chống lừa đảo trực tuyến",
        skills=("IU14", "DS04"),
        positions=(ALL,),
        certificate_months=12,
        campaign_days_ago=60,
        window_days=90,
        ease=0,
        self_enrol=0,
        lessons=4,
    ),
    CourseSpec(
        "tong-hop-chuyen-doi-so",
        "ke-hoach-chuyen-doi-so-xa",
        "Chuyển đổi số cấp xã: kế hoạch và chỉ số",
        skills=("DS05", "IU15"),
        positions=(*LEADERS, "chuyen-doi-so"),
        certificate_months=0,
        campaign_days_ago=270,
        window_days=60,
        ease=0.05,
        self_enrol=0.08,
        lessons=5,
        level=CoursePage.Level.ADVANCED,
    ),
    CourseSpec(
        "tong-hop-chuyen-doi-so",
        "khai-thac-csdl-dan-cu",
        "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
        skills=("IU10", "DS01"),
        positions=("tu-phap-ho-tich", "mot-cua", "quan-su"),
        certificate_months=None,
        campaign_days_ago=170,
        window_days=60,
        ease=-0.05,
        self_enrol=0.1,
        lessons=5,
        level=CoursePage.Level.INTERMEDIATE,
    ),
    CourseSpec(
        "tong-hop-chuyen-doi-so",
        "truyen-thong-so-xa",
        "Truyền thông số và trang thông tin điện tử của xã",
        skills=("IU13", "IU12", "DS03"),
        positions=("van-hoa-xa-hoi", "chuyen-doi-so"),
        certificate_months=None,
        campaign_days_ago=30,
        window_days=60,
        ease=-0.1,
        self_enrol=0.2,
        lessons=4,
    ),
]

# Time with a lesson of about 20 minutes, as the server measures it: log-normal around this
# median (most officers between 6 and 30 minutes), at least a minute and at most two hours.
READING_MEDIAN_MINUTES = 14
READING_SPREAD = 0.5
READING_RANGE = (60, 2 * 3600)  # seconds

QUIZ_QUESTIONS = 10
QUIZ_MINUTES = 20
PASS_MARK = Decimal("80")
REVOCATION_REASONS = [
    "Cấp nhầm do sai thông tin cán bộ.",
    "Kết quả kiểm tra bị hủy sau khi rà soát.",
    "Cán bộ đề nghị hủy để cấp lại đúng họ tên.",
]


class SyntheticDataRefused(Exception):
    pass


@dataclass
class Totals:
    provinces: int = 0
    communes: int = 0
    officers: int = 0
    assignments: int = 0
    enrolments: int = 0
    completed: int = 0
    overdue: int = 0
    lesson_completions: int = 0
    seconds_spent: int = 0  # with the lessons, over every LessonVisit
    attempts: int = 0
    certificates: dict = field(default_factory=dict)
    certificate_log_entries: int = 0
    procedure_accounts: int = 0
    seconds: float = 0.0

    def lines(self):
        by_status = ", ".join(f"{n:,} {s}" for s, n in sorted(self.certificates.items()))
        return [
            f"provinces {self.provinces}, communes {self.communes:,}, "
            f"officers {self.officers:,} ({self.procedure_accounts:,} with a procedure account)",
            f"assignments {self.assignments:,}, enrolments {self.enrolments:,} "
            f"(completed {self.completed:,}, overdue {self.overdue:,})",
            f"lesson completions {self.lesson_completions:,} "
            f"({self.seconds_spent // 3600:,} hours with the lessons), "
            f"quiz attempts {self.attempts:,}",
            f"certificates {sum(self.certificates.values()):,} ({by_status}), "
            f"log entries {self.certificate_log_entries:,}",
            f"{self.seconds:.1f} s",
        ]


# ---------------------------------------------------------------------------------------------
# The plan: which communes, how many officers each, how well each province and commune does.


def choose_communes(communes_by_province, count, rnd):
    """`count` communes spread over the provinces: round robin, each province's in random
    order; all of them when count is at least their number."""
    queues = {code: rnd.sample(items, len(items)) for code, items in communes_by_province.items()}
    chosen = []
    while len(chosen) < count and any(queues.values()):
        for code in sorted(queues):
            if queues[code] and len(chosen) < count:
                chosen.append(queues[code].pop())
    return sorted(chosen, key=lambda unit: (unit.parent.code, unit.code))


def officers_per_commune(communes, total, rnd):
    """Split `total` over the communes (wards a little larger), exactly, largest remainder."""
    weights = [
        rnd.uniform(0.75, 1.25) * (1.25 if unit.kind == "Phường" else 1.0) for unit in communes
    ]
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def clamp(value, low=0.02, high=0.98):
    return max(low, min(high, value))


def ascii_fold(text):
    """A name as a username part: folded, ASCII letters and digits only."""
    return "".join(c for c in fold(text) if c.isascii() and (c.isalnum() or c == " "))


# ---------------------------------------------------------------------------------------------
# The catalogue: created once through Wagtail's API (a few dozen pages), then reused.


def _child(parent, model, slug, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


@dataclass
class Course:
    spec: CourseSpec
    page: CoursePage
    quiz: Quiz
    lessons: list  # [(lesson id, optional)]
    required_lessons: list  # lesson ids, in order
    positions: set  # job position ids (empty: everyone)
    skills: list
    skill_codes: SkillCodes  # the set of skills' codes its certificates point to


def ensure_catalogue():
    """The twelve synthetic courses (created when missing), with their lessons and quizzes."""
    home = home_page()
    if home is None:
        raise SyntheticDataRefused("No home page: run `manage.py migrate` first.")
    catalogue = CatalogueIndexPage.objects.first()
    if catalogue is None:
        catalogue = _child(home, CatalogueIndexPage, **CATALOGUE)
    positions = {p.code: p for p in JobPosition.objects.all()}
    tags = {t.code: t for t in SkillTag.objects.all()}
    tracks = {
        slug: _child(catalogue, TrackPage, slug, title=title, summary=title)
        for slug, title in TRACKS
    }
    courses = []
    for spec in COURSES:
        quiz = _ensure_quiz(spec)
        page = CoursePage.objects.child_of(tracks[spec.track]).filter(slug=spec.slug).first()
        if page is None:
            page = CoursePage(
                slug=spec.slug,
                title=spec.title,
                summary=f"Khóa học tổng hợp (dữ liệu thử nghiệm): {spec.title}.",
                level=spec.level,
                estimated_minutes=20 * spec.lessons,
                issues_certificate=spec.certificate_months is not None,
                certificate_valid_months=spec.certificate_months or None,
            )
            page.skill_tags.set([tags[code] for code in spec.skills if code in tags])
            page.required_for_positions.set(
                list(positions.values())
                if ALL in spec.positions
                else [positions[code] for code in spec.positions]
            )
            tracks[spec.track].add_child(instance=page)
            page.save_revision().publish()
            for number in range(1, spec.lessons + 1):
                last = number == spec.lessons
                body = [{"type": "text", "value": f"<p>Nội dung bài {number}: {spec.title}.</p>"}]
                if last:
                    body.append(
                        {
                            "type": "quiz",
                            "value": {
                                "introduction": "Bài kiểm tra cuối khóa",
                                "quiz": quiz.pk,
                            },
                        }
                    )
                lesson = LessonPage(
                    slug=f"bai-{number}",
                    title=f"Bài {number}. {spec.title}",
                    estimated_minutes=20,
                    # The second lesson of longer courses is optional reading.
                    optional=spec.lessons >= 5 and number == 2,
                    body=body,
                )
                page.add_child(instance=lesson)
                lesson.save_revision().publish()
        lessons = list(
            LessonPage.objects.child_of(page).order_by("path").values_list("pk", "optional")
        )
        skills = [{"code": tag.code, "name": tag.name} for tag in page.skill_tags.all()]
        courses.append(
            Course(
                spec=spec,
                page=page,
                quiz=quiz,
                lessons=lessons,
                required_lessons=[pk for pk, optional in lessons if not optional],
                positions=set()
                if ALL in spec.positions
                else {positions[code].pk for code in spec.positions},
                skills=skills,
                skill_codes=SkillCodes.of(skills),
            )
        )
    return courses


def _ensure_quiz(spec):
    slug = f"kiem-tra-{spec.slug}"
    quiz = Quiz.objects.filter(slug=slug).first()
    if quiz:
        return quiz
    category = QuestionCategory.from_path(f"Dữ liệu tổng hợp/{spec.title}")
    for number in range(1, QUIZ_QUESTIONS + 1):
        question = Question.objects.create(
            category=category,
            kind=Question.Kind.SINGLE,
            name=f"Câu {number}",
            text=f"<p>Câu hỏi {number} của khóa “{spec.title}”: chọn đáp án đúng.</p>",
        )
        Answer.objects.bulk_create(
            Answer(question=question, text=text, fraction=Decimal(fraction), sort_order=order)
            for order, (text, fraction) in enumerate(
                [("Đáp án đúng", 1), ("Đáp án sai A", 0), ("Đáp án sai B", 0)]
            )
        )
    quiz = Quiz.objects.create(
        slug=slug,
        title=f"Kiểm tra: {spec.title}",
        pass_mark=PASS_MARK,
        time_limit_minutes=QUIZ_MINUTES,
    )
    QuizRandomDraw.objects.create(quiz=quiz, category=category, count=QUIZ_QUESTIONS)
    return quiz


# ---------------------------------------------------------------------------------------------
# Generation


class Generator:
    def __init__(self, *, seed, today, lesson_sample, password_hash, batch_size):
        self.seed = seed
        self.today = today
        tz = ZoneInfo(settings.TIME_ZONE)
        # Everything happened before the start of the as-of day.
        self.now = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=tz)
        self.lesson_sample = lesson_sample
        self.password_hash = password_hash
        self.batch_size = batch_size
        self.totals = Totals()
        self.used_codes = set()
        self.used_national_ids = set()
        self.learner_group = Group.objects.filter(name=roles.LEARNER).first()
        self._sort_keys = {}  # names repeat a lot: compute each key once
        # The time spent with lessons draws from a stream of its own per commune (set by
        # _generate_chunk), so adding it left every other figure of a seed as it was.
        self.time_rnd = random.Random(f"{seed}:time")  # noqa: S311 — made-up data  # nosec B311

    def moment(self, days_ago, rnd):
        """A moment `days_ago` days before the as-of day, in office hours."""
        day = self.now - datetime.timedelta(days=days_ago)
        return day.replace(
            hour=rnd.randint(7, 16), minute=rnd.randint(0, 59), second=rnd.randint(0, 59)
        )

    # --- assignments ------------------------------------------------------------------------

    def make_assignments(self, provinces, courses, rnd):
        """One assignment per province, course and required position (the province's HR
        assigns a course to a position across its communes); returns them by key."""
        all_positions = list(JobPosition.objects.order_by("code").values_list("pk", flat=True))
        planned = []
        for province in provinces:
            for course in courses:
                start = course.spec.campaign_days_ago + rnd.randint(-20, 20)
                created = self.moment(max(start, 2), rnd)
                deadline = (created + datetime.timedelta(days=course.spec.window_days)).date()
                for position in sorted(course.positions) or all_positions:
                    planned.append(
                        (
                            (province.pk, course.page.pk, position),
                            Assignment(
                                course=course.page,
                                deadline=deadline,
                                unit=province,
                                job_position_id=position,
                            ),
                            created,
                        )
                    )
        Assignment.objects.bulk_create([a for _k, a, _c in planned], batch_size=self.batch_size)
        # created_at is auto_now_add: bulk_create stamped "now"; set the planned dates.
        for start in range(0, len(planned), 500):
            part = planned[start : start + 500]
            Assignment.objects.filter(pk__in=[a.pk for _k, a, _c in part]).update(
                created_at=Case(*[When(pk=a.pk, then=Value(c)) for _k, a, c in part])
            )
        for _key, assignment, created in planned:
            assignment.created_at = created
        self.totals.assignments += len(planned)
        return {key: assignment for key, assignment, _c in planned}

    # --- people -----------------------------------------------------------------------------

    def people(self, commune, count, serial, rnd, positions):
        """(User, Officer) pairs, not saved, for one commune."""
        User = get_user_model()
        mountain = commune.parent.code in MOUNTAIN_PROVINCES
        roster = []
        scale = count / sum(n for _code, n in ROSTER)
        for code, n in ROSTER:
            roster += [code] * max(1 if code == "chu-tich" else 0, round(n * scale))
        fill = [code for code, n in ROSTER for _ in range(n) if code not in LEADERS]
        while len(roster) < count:
            roster.append(rnd.choice(fill))
        roster = roster[:1] + rnd.sample(roster[1:], len(roster) - 1)
        pairs = []
        for index in range(count):
            serial += 1
            woman = rnd.random() < 0.45
            name = random_name(rnd, woman, mountain=mountain and rnd.random() < MOUNTAIN_NAME_SHARE)
            username = f"{'.'.join(ascii_fold(name).split())}.{serial:06d}"
            position_code = roster[index] if rnd.random() >= NO_POSITION_SHARE else None
            born = rnd.randint(1966, 2002)
            national_id = ""
            if rnd.random() < 0.95:
                sex_century = (1 if woman else 0) + (2 if born >= 2000 else 0)
                candidate = (
                    f"0{commune.parent.code}{sex_century}{born % 100:02d}{serial % 1_000_000:06d}"
                )
                if candidate not in self.used_national_ids:
                    self.used_national_ids.add(candidate)
                    national_id = candidate
            procedure_account = f"{commune.code}.{username}" if rnd.random() < 0.7 else ""
            joined = self.moment(rnd.randint(420, 520), rnd)
            user = User(
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                password=self.password_hash,
                date_joined=joined,
            )
            position = positions.get(position_code)
            officer = Officer(
                full_name=name,
                unit=commune,
                job_position=position,
                title=position.name if position and rnd.random() < 0.8 else "",
                email=user.email,
                national_id=national_id,
                procedure_account=procedure_account,
                sort_key=self._sort_key(name),
            )
            pairs.append((user, officer))
            self.totals.procedure_accounts += bool(procedure_account)
        return pairs

    def _sort_key(self, name):
        key = self._sort_keys.get(name)
        if key is None:
            key = self._sort_keys[name] = sort_key(name)
        return key

    # --- learning history -------------------------------------------------------------------

    def history(self, officer, province_pk, propensity, rnd, courses, assignments, sampled, out):
        """Enrolments, attempts, certificates and (when sampled) lesson completions."""
        for course in courses:
            spec = course.spec
            required = officer.job_position_id is not None and (
                not course.positions or officer.job_position_id in course.positions
            )
            q = clamp(propensity + spec.ease)
            if required and rnd.random() < 0.97:
                assignment = assignments[(province_pk, course.page.pk, officer.job_position_id)]
                enrolled_at = assignment.created_at
                window = (assignment.deadline - enrolled_at.date()).days
                finish = rnd.uniform(0.05, 1.0) if rnd.random() < 0.85 else rnd.uniform(1.0, 2.0)
                done_at = enrolled_at + datetime.timedelta(
                    days=window * finish, hours=rnd.uniform(0, 8)
                )
                enrolment = Enrolment(
                    officer=officer,
                    course=course.page,
                    source=Enrolment.Source.ASSIGNED,
                    enrolled_at=enrolled_at,
                    deadline=assignment.deadline,
                    assignment=assignment,
                )
            elif not required and rnd.random() < spec.self_enrol:
                enrolled_at = self.moment(rnd.randint(1, 400), rnd)
                q *= 0.7
                done_at = enrolled_at + datetime.timedelta(days=rnd.uniform(2, 120))
                enrolment = Enrolment(
                    officer=officer,
                    course=course.page,
                    source=Enrolment.Source.SELF,
                    enrolled_at=enrolled_at,
                )
            else:
                continue
            out["enrolments"].append(enrolment)
            completes = rnd.random() < q and done_at < self.now
            if completes:
                self.complete(enrolment, course, done_at, q, rnd, sampled, out)
            elif rnd.random() < 0.55:
                self.started(enrolment, course, rnd, sampled, out)
            if (
                enrolment.completed_at is None
                and enrolment.deadline
                and enrolment.deadline < self.today
            ):
                self.totals.overdue += 1

    def attempts(self, officer, course, since, until, passes, rnd, out, number=0):
        """Failed attempts, then a passing one submitted at `until` when `passes`."""
        fails = rnd.choices([0, 1, 2], weights=[70, 22, 8])[0] if passes else rnd.randint(1, 2)
        span = max((until - since).total_seconds(), 60)
        moments = sorted(
            since + datetime.timedelta(seconds=rnd.uniform(0, span)) for _ in range(fails)
        )
        if passes:
            moments.append(until)
        for position, submitted in enumerate(moments):
            number += 1
            passed = passes and position == len(moments) - 1
            score = rnd.choices([8, 9, 10], [4, 4, 2])[0] if passed else rnd.randint(3, 7)
            started = submitted - datetime.timedelta(minutes=rnd.uniform(4, QUIZ_MINUTES - 1))
            out["attempts"].append(
                Attempt(
                    quiz=course.quiz,
                    officer=officer,
                    number=number,
                    state=Attempt.State.FINISHED,
                    started_at=started,
                    deadline=started + datetime.timedelta(minutes=QUIZ_MINUTES),
                    submitted_at=submitted,
                    score=Decimal(score),
                    max_score=Decimal(QUIZ_QUESTIONS),
                    percent=Decimal(score * 100) / QUIZ_QUESTIONS,
                    passed=Decimal(score * 100) / QUIZ_QUESTIONS >= PASS_MARK,
                )
            )
        return number

    def lesson_rows(self, officer, lesson_ids, since, until, rnd, out, again=False):
        """Lessons done between `since` (the start of the round) and `until`, each with the
        time spent on it; `again`: a round taking the course again, after a first one."""
        span = max((until - since).total_seconds(), 60)
        moments = sorted(rnd.uniform(0, span) for _ in lesson_ids)
        for lesson_id, offset in zip(lesson_ids, moments, strict=True):
            done_at = min(until, since + datetime.timedelta(seconds=offset))
            out["lessons"].append(
                LessonCompletion(officer=officer, lesson_id=lesson_id, completed_at=done_at)
            )
            out["visits"].append(self.visit(officer, lesson_id, since, done_at, again))

    def reading_seconds(self):
        rnd = self.time_rnd
        seconds = rnd.lognormvariate(math.log(READING_MEDIAN_MINUTES * 60), READING_SPREAD)
        return min(max(seconds, READING_RANGE[0]), READING_RANGE[1])

    def visit(self, officer, lesson_id, since, done_at, again):
        """The LessonVisit of a lesson done at `done_at`, as courses.progress would have left
        it: opened in this round (not before `since`), read for a while with pauses, last heard
        from when marked done; its time also holds the first round's when `again`."""
        reading = self.reading_seconds()
        wall = datetime.timedelta(seconds=reading * self.time_rnd.uniform(1.0, 1.4))
        opened_at = max(since, done_at - wall)
        seconds = min(reading, (done_at - opened_at).total_seconds())
        if again:
            seconds += self.reading_seconds()
        return LessonVisit(
            officer=officer,
            lesson_id=lesson_id,
            opened_at=opened_at,
            last_seen_at=done_at,
            seconds_spent=int(seconds),
        )

    def complete(self, enrolment, course, done_at, q, rnd, sampled, out):
        officer = enrolment.officer
        enrolment.completed_at = done_at
        enrolment.last_lesson_id = course.required_lessons[-1]
        number = self.attempts(officer, course, enrolment.enrolled_at, done_at, True, rnd, out)
        months = course.spec.certificate_months
        if months is None:
            self.totals.completed += 1
            if sampled:
                lessons = course.required_lessons + [
                    pk for pk, optional in course.lessons if optional and rnd.random() < 0.3
                ]
                self.lesson_rows(officer, lessons, enrolment.enrolled_at, done_at, rnd, out)
            return
        certificate = self.certificate(officer, course, done_at, months, rnd, out)
        round_start = None
        expires = certificate.expires_at
        renewal_opens = expires - RENEWAL_WINDOW if expires else None
        if renewal_opens and renewal_opens < self.now and rnd.random() < 0.5 + q / 3:
            # Taken again to renew the certificate: completed, or a round still running.
            round_start = renewal_opens + datetime.timedelta(days=rnd.uniform(0, 100))
            renewed_at = round_start + datetime.timedelta(days=rnd.uniform(1, 30))
            if round_start < self.now:
                enrolment.round_started_at = round_start
                enrolment.deadline = None
                if renewed_at < self.now and rnd.random() < 0.85:
                    self.attempts(officer, course, round_start, renewed_at, True, rnd, out, number)
                    enrolment.completed_at = renewed_at
                    self.supersede(certificate, renewed_at, out)
                    self.certificate(officer, course, renewed_at, months, rnd, out, certificate)
                else:
                    self.attempts(officer, course, round_start, self.now, False, rnd, out, number)
                    enrolment.completed_at = None
                    enrolment.last_lesson_id = None
            else:
                round_start = None
        if certificate.status == Certificate.Status.VALID:
            if expires and expires <= self.now:
                self.change(certificate, Certificate.Status.EXPIRED, expires, out)
            elif rnd.random() < 0.003:
                revoked_at = min(
                    done_at + datetime.timedelta(days=rnd.uniform(2, 60)),
                    self.now - datetime.timedelta(hours=1),
                )
                certificate.revocation_reason = rnd.choice(REVOCATION_REASONS)
                self.change(certificate, Certificate.Status.REVOKED, revoked_at, out)
        if enrolment.completed_at:
            self.totals.completed += 1
        if sampled:
            until = enrolment.completed_at or self.now
            since = round_start or enrolment.enrolled_at
            lessons = course.required_lessons
            if enrolment.completed_at is None:  # a renewal round under way
                lessons = lessons[: rnd.randint(0, len(lessons) - 1)]
            self.lesson_rows(officer, lessons, since, until, rnd, out, again=bool(round_start))

    def started(self, enrolment, course, rnd, sampled, out):
        """Enrolled and begun, not finished: some lessons, maybe a failed attempt."""
        required = course.required_lessons
        done = rnd.randint(1, len(required) - 1)
        enrolment.last_lesson_id = required[done - 1]
        if done == len(required) - 1 and rnd.random() < 0.4:
            self.attempts(
                enrolment.officer, course, enrolment.enrolled_at, self.now, False, rnd, out
            )
        if sampled:
            self.lesson_rows(
                enrolment.officer, required[:done], enrolment.enrolled_at, self.now, rnd, out
            )

    def new_code(self, rnd):
        while True:
            body = "".join(rnd.choice(CODE_ALPHABET) for _ in range(8))
            code = f"KNS-{body[:4]}-{body[4:]}"
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def certificate(self, officer, course, at, months, rnd, out, previous=None):
        certificate = Certificate(
            code=self.new_code(rnd),
            officer=officer,
            course=course.page,
            course_title=course.page.title,
            skills=course.skills,
            skill_codes=course.skill_codes,  # bulk_create: no save() to set it
            issued_at=at,
            expires_at=add_months(at, months) if months else None,
            status=Certificate.Status.VALID,
            status_changed_at=at,
        )
        action = CertificateLogEntry.Action.ISSUED
        if previous is not None:
            out["renewals"].append((certificate, previous))
            action = CertificateLogEntry.Action.RENEWED
        else:
            out["certificates"].append(certificate)
        out["log"].append((certificate, action, at, ""))
        return certificate

    def supersede(self, certificate, at, out):
        self.change(certificate, Certificate.Status.SUPERSEDED, at, out)

    def change(self, certificate, status, at, out):
        certificate.status = status
        certificate.status_changed_at = at
        action = {
            Certificate.Status.SUPERSEDED: CertificateLogEntry.Action.SUPERSEDED,
            Certificate.Status.EXPIRED: CertificateLogEntry.Action.EXPIRED,
            Certificate.Status.REVOKED: CertificateLogEntry.Action.REVOKED,
        }[status]
        out["log"].append((certificate, action, at, certificate.revocation_reason))

    # --- writing ----------------------------------------------------------------------------

    def write_people(self, pairs):
        User = get_user_model()
        users = User.objects.bulk_create([u for u, _o in pairs], batch_size=self.batch_size)
        for user, (_u, officer) in zip(users, pairs, strict=True):
            officer.user = user
        if self.learner_group:
            Membership = User.groups.through
            Membership.objects.bulk_create(
                [Membership(user_id=u.pk, group_id=self.learner_group.pk) for u in users],
                batch_size=self.batch_size,
            )
        Officer.objects.bulk_create([o for _u, o in pairs], batch_size=self.batch_size)
        self.totals.officers += len(pairs)

    def write_history(self, out):
        size = self.batch_size
        Enrolment.objects.bulk_create(out["enrolments"], batch_size=size)
        LessonCompletion.objects.bulk_create(out["lessons"], batch_size=size)
        LessonVisit.objects.bulk_create(out["visits"], batch_size=size)
        Attempt.objects.bulk_create(out["attempts"], batch_size=size)
        Certificate.objects.bulk_create(out["certificates"], batch_size=size)
        # Renewals point to the certificate they renew, which now has its primary key.
        for certificate, previous in out["renewals"]:
            certificate.renewal_of = previous
        Certificate.objects.bulk_create([c for c, _p in out["renewals"]], batch_size=size)
        CertificateLogEntry.objects.bulk_create(
            [
                CertificateLogEntry(certificate=c, action=action, at=at, reason=reason)
                for c, action, at, reason in out["log"]
            ],
            batch_size=size,
        )
        self.totals.enrolments += len(out["enrolments"])
        self.totals.lesson_completions += len(out["lessons"])
        self.totals.seconds_spent += sum(visit.seconds_spent for visit in out["visits"])
        self.totals.attempts += len(out["attempts"])
        self.totals.certificate_log_entries += len(out["log"])
        for certificate in [*out["certificates"], *(c for c, _p in out["renewals"])]:
            status = certificate.status
            self.totals.certificates[status] = self.totals.certificates.get(status, 0) + 1


def generate(
    officers=DEFAULT_OFFICERS,
    communes=DEFAULT_COMMUNES,
    seed=1,
    today=None,
    lesson_sample=0.1,
    password=None,
    append=False,
    batch_size=BATCH_SIZE,
    progress=None,
):
    """Fill the database with a synthetic national dataset; returns the Totals.

    Refuses (SyntheticDataRefused) when the database already holds officers, unless `append`.
    `password`: one password shared by every synthetic account (hashed once); None leaves the
    accounts without a usable password.
    """
    progress = progress or (lambda message: None)
    started = time.monotonic()
    if officers < 1 or communes < 1:
        raise SyntheticDataRefused("--officers and --communes must be at least 1.")
    existing = Officer.objects.count()
    if existing and not append:
        raise SyntheticDataRefused(
            f"This database already holds {existing:,} officers. The generator fills a database "
            "with made-up people and their history; run it on an empty database (e.g. "
            "`createdb kynangso_synth` and DATABASE_URL=postgres://…/kynangso_synth, then "
            "`manage.py migrate`), or pass --append to add the synthetic data to these officers."
        )
    today = today or timezone.localdate()
    password_hash = make_password(password) if password else UNUSABLE_PASSWORD
    with transaction.atomic():
        progress("Loading the national administrative units…")
        load_bundled_national()
        provinces = list(AdministrativeUnit.objects.current().provinces().order_by("code"))
        by_province = {p.code: [] for p in provinces}
        for unit in (
            AdministrativeUnit.objects.current()
            .communes()
            .select_related("parent")
            .order_by("code")
        ):
            by_province[unit.parent.code].append(unit)
        plan = random.Random(f"{seed}:plan")  # noqa: S311 — made-up data  # nosec B311
        chosen = choose_communes(by_province, communes, plan)
        counts = officers_per_commune(chosen, officers, plan)
        province_rate = {p.code: plan.uniform(0.4, 0.9) for p in provinces}
        used_provinces = [p for p in provinces if any(c.parent_id == p.pk for c in chosen)]

        progress(f"  done ({time.monotonic() - started:.0f} s)")
        progress("Creating the catalogue (12 courses in 4 tracks, a quiz each)…")
        # Wagtail logs every page created and published; a few dozen lines say nothing here.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(logging.WARNING)
        try:
            courses = ensure_catalogue()
        finally:
            wagtail_log.setLevel(level)
        progress(f"  done ({time.monotonic() - started:.0f} s)")
        positions = {p.code: p for p in JobPosition.objects.all()}
        generator = Generator(
            seed=seed,
            today=today,
            lesson_sample=lesson_sample,
            password_hash=password_hash,
            batch_size=batch_size,
        )
        if append:
            generator.used_codes.update(Certificate.objects.values_list("code", flat=True))
            generator.used_national_ids.update(
                Officer.objects.exclude(national_id="").values_list("national_id", flat=True)
            )
        assignments = generator.make_assignments(used_provinces, courses, plan)
        generator.totals.provinces = len(used_provinces)
        generator.totals.communes = len(chosen)
        serial = existing
        chunk = []
        for index, (commune, count) in enumerate(zip(chosen, counts, strict=True)):
            chunk.append((commune, count))
            if sum(n for _c, n in chunk) >= CHUNK_OFFICERS or index == len(chosen) - 1:
                serial = _generate_chunk(
                    generator, chunk, serial, positions, courses, assignments, province_rate
                )
                chunk = []
                reset_queries()  # with DEBUG on, Django would keep every huge INSERT in memory
                progress(
                    f"  {generator.totals.officers:>9,} / {officers:,} officers, "
                    f"{generator.totals.enrolments:,} enrolments "
                    f"({time.monotonic() - started:.0f} s)"
                )
    progress("Updating the planner's statistics (ANALYZE)…")
    written = [
        AdministrativeUnit, get_user_model(), get_user_model().groups.through, Officer,
        Assignment, Enrolment, LessonCompletion, LessonVisit, Attempt, Certificate,
        CertificateLogEntry,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for model in written:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    generator.totals.seconds = time.monotonic() - started
    return generator.totals


def _generate_chunk(generator, chunk, serial, positions, courses, assignments, province_rate):
    streams, people = [], []
    for commune, count in chunk:
        rnd = random.Random(f"{generator.seed}:{commune.code}")  # noqa: S311 — made-up data  # nosec B311
        pairs = generator.people(commune, count, serial, rnd, positions)
        serial += count
        streams.append((commune, rnd, pairs))
        people += pairs
    generator.write_people(people)
    out = {
        k: []
        for k in ("enrolments", "lessons", "visits", "attempts", "certificates", "renewals", "log")
    }
    for commune, rnd, pairs in streams:
        # How this commune does against its province: most near it, some far behind.
        offset = rnd.gauss(0, 0.08)
        if rnd.random() < 0.1:
            offset -= rnd.uniform(0.2, 0.4)
        elif rnd.random() < 0.1:
            offset += rnd.uniform(0.05, 0.15)
        sampled = rnd.random() < generator.lesson_sample
        generator.time_rnd = random.Random(f"{generator.seed}:{commune.code}:time")  # noqa: S311  # nosec B311
        base = province_rate[commune.parent.code] + offset
        for _user, officer in pairs:
            propensity = base + rnd.gauss(0, 0.12)
            generator.history(
                officer, commune.parent_id, propensity, rnd, courses, assignments, sampled, out
            )
    generator.write_history(out)
    return serial
