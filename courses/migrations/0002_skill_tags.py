from django.db import migrations

# The fifteen modules of the IT-skills standard, Circular 03/2014/TT-BTTTT (11/3/2014):
# IU01–IU06 are the basic modules, IU07–IU15 the advanced ones.
IT_SKILLS_2014 = [
    ("IU01", "Hiểu biết về CNTT cơ bản"),
    ("IU02", "Sử dụng máy tính cơ bản"),
    ("IU03", "Xử lý văn bản cơ bản"),
    ("IU04", "Sử dụng bảng tính cơ bản"),
    ("IU05", "Sử dụng trình chiếu cơ bản"),
    ("IU06", "Sử dụng Internet cơ bản"),
    ("IU07", "Xử lý văn bản nâng cao"),
    ("IU08", "Sử dụng bảng tính nâng cao"),
    ("IU09", "Sử dụng trình chiếu nâng cao"),
    ("IU10", "Sử dụng hệ quản trị cơ sở dữ liệu"),
    ("IU11", "Thiết kế đồ họa hai chiều"),
    ("IU12", "Biên tập ảnh"),
    ("IU13", "Biên tập trang thông tin điện tử"),
    ("IU14", "An toàn, bảo mật thông tin"),
    ("IU15", "Sử dụng phần mềm kế hoạch dự án"),
]

# Basic digital skills, Decision 757/QĐ-BKHCN (29/4/2025). The list follows the framework's
# domains as we understand them, plus the online public services officials must help citizens
# with; the codes are ours. Check the names against the decision's annex before relying on them
# in reports (DOMAIN.md §11, item 2).
DIGITAL_SKILLS_2025 = [
    ("DS01", "Khai thác dữ liệu và thông tin"),
    ("DS02", "Giao tiếp và hợp tác trong môi trường số"),
    ("DS03", "Sáng tạo nội dung số"),
    ("DS04", "An toàn số"),
    ("DS05", "Giải quyết vấn đề"),
    ("DS06", "Sử dụng dịch vụ công trực tuyến"),
]

TAGS = [("IU", code, name) for code, name in IT_SKILLS_2014] + [
    ("DS", code, name) for code, name in DIGITAL_SKILLS_2025
]


def create_skill_tags(apps, schema_editor):
    SkillTag = apps.get_model("courses", "SkillTag")
    for framework, code, name in TAGS:
        SkillTag.objects.update_or_create(
            code=code, defaults={"framework": framework, "name": name}
        )


def remove_skill_tags(apps, schema_editor):
    SkillTag = apps.get_model("courses", "SkillTag")
    SkillTag.objects.filter(code__in=[code for _framework, code, _name in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]
    operations = [migrations.RunPython(create_skill_tags, remove_skill_tags)]
