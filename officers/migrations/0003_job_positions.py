from django.db import migrations

# Commune-level positions after the 2025 reorganisation (Decree 150/2025): the People's
# Committee leaders, its Office, the Economic and Culture–Social departments and the
# Public Administration Service Centre.
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


def create_positions(apps, schema_editor):
    JobPosition = apps.get_model("officers", "JobPosition")
    for code, name in POSITIONS:
        JobPosition.objects.update_or_create(code=code, defaults={"name": name})


def remove_positions(apps, schema_editor):
    JobPosition = apps.get_model("officers", "JobPosition")
    JobPosition.objects.filter(code__in=[code for code, _name in POSITIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("officers", "0002_roles")]
    operations = [migrations.RunPython(create_positions, remove_positions)]
