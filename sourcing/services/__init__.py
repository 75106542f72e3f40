"""Write paths of the sourcing app (SRC-1 to SRC-6), split by topic."""

from .imports import (
    agencies_import,
    csv_template,
    freelancers_import,
    import_job_create,
    import_job_run,
    pool_import,
)
from .invitations import shortlist_invite
from .rules_config import sourcing_rules_update
from .shortlists import (
    job_criteria_build,
    rules_in_force,
    shortlist_create,
    shortlist_evaluate,
    shortlist_explain,
)

__all__ = [
    "agencies_import",
    "csv_template",
    "freelancers_import",
    "import_job_create",
    "import_job_run",
    "job_criteria_build",
    "pool_import",
    "rules_in_force",
    "shortlist_create",
    "shortlist_evaluate",
    "shortlist_explain",
    "shortlist_invite",
    "sourcing_rules_update",
]
