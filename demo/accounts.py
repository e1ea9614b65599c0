"""Demo content: Điện Biên's units, about forty officers in five communes, one account per role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from officers import roles, usernames
from officers.models import JobPosition, Officer
from units.loader import load_bundled_dien_bien
from units.models import AdministrativeUnit, Level

DEMO_PASSWORD = "KyNangSo@2026"  # noqa: S105 — in the README; demo data only  # nosec B105

# Five current communes of Điện Biên (codes from Decision 19/2025), eight officers each.
DEMO_COMMUNES = ["03127", "03172", "03181", "03166", "03199"]
FAMILY = ["Lò", "Quàng", "Cà", "Lường", "Giàng", "Sùng", "Vừ", "Nguyễn", "Trần", "Lê"]
MIDDLE_MALE = ["Văn", "A", "Minh", "Đức"]
MIDDLE_FEMALE = ["Thị", "Thị Thu", "Thị Hồng", "Thị Mai"]
GIVEN_MALE = ["Pánh", "Dính", "Chứ", "Thắng", "Hùng", "Dũng", "Sơn", "Tuấn"]
GIVEN_FEMALE = ["Ơn", "Xuân", "Dung", "Hoa", "Lan", "Hương", "Phượng", "Yến"]
POSITIONS = [
    ("chu-tich", "Chủ tịch UBND xã"),
    ("pho-chu-tich", "Phó Chủ tịch UBND xã"),
    ("van-thu", "Văn thư"),
    ("tu-phap-ho-tich", "Công chức Tư pháp – hộ tịch"),
    ("mot-cua", "Chuyên viên Trung tâm PVHCC"),
    ("kinh-te", "Chuyên viên Phòng Kinh tế"),
    ("van-hoa-xa-hoi", "Chuyên viên Phòng Văn hóa – Xã hội"),
    ("tai-chinh-ke-toan", "Kế toán"),
]

# username, full name, role, unit code (province "11" or a commune), job position code
ROLE_ACCOUNTS = [
    ("quantri", "Nguyễn Quản Trị", roles.ADMINISTRATOR, "11", "to-chuc-nhan-su"),
    ("giangvien", "Phạm Thị Giảng", roles.TRAINER, "11", "chuyen-doi-so"),
    ("kiemduyet", "Đặng Văn Duyệt", roles.REVIEWER, "11", "chuyen-doi-so"),
    ("nhansu.tinh", "Lò Thị Nhân", roles.HR, "11", "to-chuc-nhan-su"),
    ("nhansu.nasang", "Quàng Văn Sự", roles.HR, "03172", "to-chuc-nhan-su"),
    ("hocvien", "Cà Thị Học", roles.LEARNER, "03172", "mot-cua"),
]


def demo_officers():
    """(username, full name, commune code, job position code, title), deterministic."""
    rows = []
    for c_index, commune in enumerate(DEMO_COMMUNES):
        for p_index, (position, title) in enumerate(POSITIONS):
            n = c_index * len(POSITIONS) + p_index
            female = n % 2 == 1
            family = FAMILY[n % len(FAMILY)]
            middle = (MIDDLE_FEMALE if female else MIDDLE_MALE)[n // 2 % 4]
            given = (GIVEN_FEMALE if female else GIVEN_MALE)[(n * 3 + c_index) % 8]
            rows.append(
                (f"canbo{n + 1:02d}", f"{family} {middle} {given}", commune, position, title)
            )
    return rows


@transaction.atomic
def seed_demo():
    load_bundled_dien_bien()
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.current().filter(
            code__in=["11", *DEMO_COMMUNES], level__in=[Level.PROVINCE, Level.COMMUNE]
        )
    }
    positions = {p.code: p for p in JobPosition.objects.all()}
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.LABELS)}
    User = get_user_model()
    names = [row[0] for row in ROLE_ACCOUNTS] + [row[0] for row in demo_officers()]
    for name, holder in usernames.holders(usernames.canonical(n) for n in names).items():
        if holder.username not in names:  # `Quantri` made by hand beside the demo's `quantri`
            raise ValidationError(usernames.taken_message(name, holder, visible=True))

    def account(username, full_name, role, unit_code, position_code, title=""):
        user, created = User.objects.get_or_create(username=username)
        user.email = f"{username}@demo.kynangso.vn"
        user.is_superuser = user.is_staff = role == roles.ADMINISTRATOR
        if created:  # hashing is slow; an existing demo account keeps its password
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(
            [groups[role]] if role == roles.LEARNER else [groups[role], groups[roles.LEARNER]]
        )
        officer = Officer.objects.filter(user=user).first() or Officer(user=user)
        officer.full_name = full_name
        officer.unit = units[unit_code]
        officer.job_position = positions[position_code]
        officer.title = title
        officer.email = user.email
        officer.save()
        return user

    for username, full_name, role, unit_code, position_code in ROLE_ACCOUNTS:
        account(username, full_name, role, unit_code, position_code)
    for username, full_name, unit_code, position_code, title in demo_officers():
        account(
            username,
            full_name,
            roles.LEARNER,
            unit_code,
            position_code,
            title,
        )
    return ROLE_ACCOUNTS
