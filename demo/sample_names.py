"""Made-up but realistic Vietnamese names, for benchmarks and synthetic datasets (never for
real people). Two pools: the Kinh names found all over the country, weighted roughly as family
names are spread in the population, and the names of Điện Biên's Thái, H'Mông and Khơ Mú
families, as found in the northern mountain provinces. The pools are in demo/content/names.toml.
"""

from . import content_files

_NAMES = content_files.read("names.toml")
_NATIONAL, _MOUNTAIN = _NAMES["national"], _NAMES["mountain"]
# Family names with their approximate share of the population (Nguyễn about a third).
FAMILIES_NATIONAL = _NATIONAL["families"]
MIDDLE_MEN_NATIONAL = _NATIONAL["middle_men"]
MIDDLE_WOMEN_NATIONAL = _NATIONAL["middle_women"]
GIVEN_MEN_NATIONAL = _NATIONAL["given_men"]
GIVEN_WOMEN_NATIONAL = _NATIONAL["given_women"]
FAMILIES_MOUNTAIN = _MOUNTAIN["families"]
MIDDLE_MEN_MOUNTAIN = _MOUNTAIN["middle_men"]
MIDDLE_WOMEN_MOUNTAIN = _MOUNTAIN["middle_women"]
GIVEN_MEN_MOUNTAIN = _MOUNTAIN["given_men"]
GIVEN_WOMEN_MOUNTAIN = _MOUNTAIN["given_women"]


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
