"""Size limits of case input (ESC-1, API-4), shared by serializers, forms and services.

The serializers declare them (so they are in the OpenAPI schema as maxLength/maxItems)
and the services enforce them again, so pages, the API and the ticket webhook agree.
"""

MAX_TITLE = 200  # Case.title's column
MAX_TEXT = 10_000  # issue summary, notes, call summaries, reasons
MAX_SHORT_TEXT = 2_000  # one-paragraph answers (probing questions, outcomes)
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_CONTRACT_IDS = 50
MAX_CONTRACT_ID_LENGTH = 64
MAX_ANSWERS = 20
