from .imports import ImportJob
from .pool import (
    Agency,
    Category,
    CompletedJob,
    CompletedJobSkill,
    EnglishLevel,
    Freelancer,
    FreelancerKeyword,
    FreelancerSkill,
    Invitation,
    Keyword,
    Region,
    Skill,
    Subcategory,
)
from .rules import SourcingRules
from .shortlists import Shortlist, ShortlistEntry

__all__ = [
    "Agency",
    "Category",
    "CompletedJob",
    "CompletedJobSkill",
    "EnglishLevel",
    "Freelancer",
    "FreelancerKeyword",
    "FreelancerSkill",
    "ImportJob",
    "Invitation",
    "Keyword",
    "Region",
    "Shortlist",
    "ShortlistEntry",
    "Skill",
    "SourcingRules",
    "Subcategory",
]
