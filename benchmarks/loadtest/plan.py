"""The load test's plan: who logs in, and which courses and quizzes exist.

    python benchmarks/loadtest/plan.py PLAN.json --learners 80 --hr 4 --password SECRET

Run by run.py against the throwaway database, after seed_demo and generate_synthetic (whose
officers all share SECRET as password). It adds one HR account per province with the most
synthetic officers (same password) and writes the plan the locustfile reads: as many distinct
learner accounts as asked, the HR accounts, the catalogue's courses and every quiz.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path)
    parser.add_argument("--learners", type=int, required=True)
    parser.add_argument("--hr", type=int, default=4)
    parser.add_argument("--password", required=True)
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings")
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from assessments.models import Quiz
    from courses.models import CoursePage
    from demo.synthetic import EMAIL_DOMAIN
    from officers import roles
    from officers.models import Officer
    from units.models import AdministrativeUnit

    learners = list(
        get_user_model()
        .objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", groups__name=roles.LEARNER)
        .order_by("pk")
        .values_list("username", flat=True)[: options.learners]
    )
    if len(learners) < options.learners:
        sys.exit(f"Only {len(learners)} synthetic learners: generate more officers.")

    busiest = (
        Officer.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}")
        .values("unit__parent")
        .annotate(officers=Count("pk"))
        .order_by("-officers")[: options.hr]
    )
    hr_group = Group.objects.get(name=roles.HR)
    hr = []
    for row in busiest:
        province = AdministrativeUnit.objects.get(pk=row["unit__parent"])
        user, _created = get_user_model().objects.get_or_create(
            username=f"loadtest.hr.{province.code}"
        )
        user.set_password(options.password)
        user.save()
        user.groups.add(hr_group)
        Officer.objects.get_or_create(
            user=user, defaults={"full_name": f"Nhân sự {province.name}", "unit": province}
        )
        hr.append(user.username)

    courses = [{"url": page.url} for page in CoursePage.objects.live().order_by("path")]
    plan = {
        "password": options.password,
        "learners": learners,
        "hr": hr,
        "courses": courses,
        "quizzes": list(Quiz.objects.order_by("slug").values_list("slug", flat=True)),
    }
    options.plan.write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"plan: {len(learners)} learner accounts, {len(hr)} HR accounts, "
        f"{len(courses)} courses, {len(plan['quizzes'])} quizzes"
    )


if __name__ == "__main__":
    main()
