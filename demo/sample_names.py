"""Made-up but realistic Vietnamese names, for benchmarks and synthetic datasets (never for
real people). Two pools: the Kinh names found all over the country, weighted roughly as family
names are spread in the population, and the names of Điện Biên's Thái, H'Mông and Khơ Mú
families, as found in the northern mountain provinces.
"""

# Family names with their approximate share of the population (Nguyễn about a third).
FAMILIES_NATIONAL = {
    "Nguyễn": 31, "Trần": 11, "Lê": 9, "Phạm": 7, "Hoàng": 4, "Huỳnh": 3, "Phan": 4, "Vũ": 3,
    "Võ": 3, "Đặng": 2, "Bùi": 2, "Đỗ": 2, "Hồ": 1, "Ngô": 1, "Dương": 1, "Lý": 1, "Đinh": 1,
    "Đào": 1, "Trịnh": 1, "Mai": 1, "Trương": 1, "Lương": 1, "Tạ": 1, "Hà": 1, "Cao": 1,
}  # fmt: skip
MIDDLE_MEN_NATIONAL = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Công", "Xuân", "Ngọc"]
MIDDLE_WOMEN_NATIONAL = [
    "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Thị Thu", "Thị Minh", "Hồng", "Kim", "Bích",
]  # fmt: skip
GIVEN_MEN_NATIONAL = [
    "Anh", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Khoa", "Khánh", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang", "Quân",
    "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
]  # fmt: skip
GIVEN_WOMEN_NATIONAL = [
    "An", "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hồng", "Huyền", "Hương",
    "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh",
    "Tâm", "Thảo", "Thủy", "Trang", "Trâm", "Tuyết", "Vân", "Xuân", "Yến",
]  # fmt: skip

# Names as they are found in Điện Biên: Thái, H'Mông, Khơ Mú and Kinh families.
FAMILIES_MOUNTAIN = [
    "Lò", "Quàng", "Cà", "Lường", "Điêu", "Tòng", "Lù", "Bạc", "Hoàng", "Giàng", "Sùng", "Vừ",
    "Mùa", "Thào", "Hạng", "Lầu", "Vàng", "Lý", "Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Bùi",
]  # fmt: skip
MIDDLE_MEN_MOUNTAIN = ["Văn", "A", "Văn", "Minh", "Đức", "Xuân", "Công", "Thanh"]
MIDDLE_WOMEN_MOUNTAIN = ["Thị", "Thị", "Thị Thu", "Thị Hồng", "Thị Mai", "Thị Ngọc", "Thị Kim"]
GIVEN_MEN_MOUNTAIN = [
    "Pánh", "Dính", "Chứ", "Thắng", "Hùng", "Dũng", "Sơn", "Tuấn", "Chính", "Khánh", "Phong",
    "Páo", "Sình", "Tủa", "Dơ", "Lả", "Hải", "Quân", "Toàn", "Tiến",
]  # fmt: skip
GIVEN_WOMEN_MOUNTAIN = [
    "Ơn", "Xuân", "Dung", "Hoa", "Lan", "Hương", "Phượng", "Yến", "Mỷ", "Dợ", "Sua", "Chở",
    "Khuyên", "Ngân", "Thảo", "Trang", "Hằng", "Nhung", "Liên", "Thủy",
]  # fmt: skip


def random_name(rnd, woman, mountain=False):
    """A full name (family, middle, given) drawn with `rnd` (a random.Random)."""
    if mountain:
        family = rnd.choice(FAMILIES_MOUNTAIN)
        middle = rnd.choice(MIDDLE_WOMEN_MOUNTAIN if woman else MIDDLE_MEN_MOUNTAIN)
        given = rnd.choice(GIVEN_WOMEN_MOUNTAIN if woman else GIVEN_MEN_MOUNTAIN)
    else:
        family = rnd.choices(list(FAMILIES_NATIONAL), weights=FAMILIES_NATIONAL.values())[0]
        middle = rnd.choice(MIDDLE_WOMEN_NATIONAL if woman else MIDDLE_MEN_NATIONAL)
        given = rnd.choice(GIVEN_WOMEN_NATIONAL if woman else GIVEN_MEN_NATIONAL)
    return f"{family} {middle} {given}"
