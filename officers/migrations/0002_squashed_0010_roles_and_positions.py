"""Migrations 0002–0010 in one: the role groups by name, the commune job positions and the
pending procedure-system account.

Most of the migrations it replaces synchronised the role groups by importing officers.roles;
the groups now get their permissions after every migrate (officers.role_groups), so all that
is left of those is creating the groups, which courses 0003 needs. A fresh database runs this
one; a database that applied 0002–0010 has it marked as applied; one part-way through runs the
rest of the old files, which is why they stay until every installation is past 0010.

Dependencies on other apps' migrations are gone: they were there only so that those apps'
permissions existed when the roles were synchronised.
"""

from django.db import migrations, models

ROLE_GROUPS = ["Learner", "Trainer", "Reviewer", "HR", "Administrator"]

# Commune-level positions after the 2025 reorganisation (Decree 150/2025), as in 0003.
POSITIONS = [
    ("chu-tich", "Chủ tịch Ủy ban nhân dân"),
    ("pho-chu-tich", "Phó Chủ tịch Ủy ban nhân dân"),
    ("van-thu", "Văn thư – lưu trữ (Văn phòng HĐND và UBND)"),
    ("van-phong", "Chuyên viên Văn phòng HĐND và UBND"),
    ("tu-phap-ho-tich", "Tư pháp – hộ tịch"),
    ("tai-chinh-ke-toan", "Tài chính – kế toán"),
    ("kinh-te", "Chuyên viên Phòng Kinh tế (đất đai, xây dựng, môi trường)"),
    ("van-hoa-xa-hoi", "Chuyên viên Phòng Văn hóa – Xã hội"),
    ("mot-cua", "Chuyên viên Trung tâm Phục vụ hành chính công"),
    ("chuyen-doi-so", "Phụ trách chuyển đổi số"),
    ("to-chuc-nhan-su", "Phụ trách tổ chức – nhân sự"),
    ("quan-su", "Chỉ huy trưởng Ban Chỉ huy quân sự"),
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


def create_positions(apps, schema_editor):
    JobPosition = apps.get_model("officers", "JobPosition")
    for code, name in POSITIONS:
        JobPosition.objects.update_or_create(code=code, defaults={"name": name})


def remove_positions(apps, schema_editor):
    JobPosition = apps.get_model("officers", "JobPosition")
    JobPosition.objects.filter(code__in=[code for code, _name in POSITIONS]).delete()


class Migration(migrations.Migration):
    replaces = [
        ("officers", "0002_roles"),
        ("officers", "0003_job_positions"),
        ("officers", "0004_reviewer_role"),
        ("officers", "0005_question_bank_roles"),
        ("officers", "0006_marking_roles"),
        ("officers", "0007_signing_exercise_roles"),
        ("officers", "0008_procedure_account_requested"),
        ("officers", "0009_certification_roles"),
        ("officers", "0010_media_collection_permissions"),
    ]

    dependencies = [
        ("officers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(create_positions, remove_positions),
        migrations.AddField(
            model_name="officer",
            name="procedure_account_requested",
            field=models.CharField(
                blank=True,
                max_length=100,
                verbose_name="procedure-system account awaiting confirmation",
            ),
        ),
    ]
