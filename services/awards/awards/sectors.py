"""Sectors (verksamhetsområden) an application belongs to and examiners are competent in."""

from enum import StrEnum


class Sector(StrEnum):
    preschool = "preschool"  # förskola
    school = "school"  # skola
    elderly_care = "elderly_care"  # äldreomsorg
    disability = "disability"  # funktionsnedsättning
    individual_and_family = "individual_and_family"  # individ och familj
    culture_and_leisure = "culture_and_leisure"  # kultur och fritid
    urban_environment = "urban_environment"  # stadsmiljö
    labour_market = "labour_market"  # arbetsmarknad
    management_and_support = "management_and_support"  # ledning, styrning och stöd (staber, kanslier)
