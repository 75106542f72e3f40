"""An email backend for worker processes under test: one JSON line per message.

Set ``EMAIL_BACKEND=tests.faults.email_backend.JsonLinesEmailBackend`` and
``DESK_TEST_EMAIL_LOG=/path/file.jsonl`` in the worker's environment; the test reads the
file to count what was really sent.
"""

import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class JsonLinesEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        with open(os.environ["DESK_TEST_EMAIL_LOG"], "a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(json.dumps({"subject": message.subject, "to": message.to}) + "\n")
                log.flush()
        return len(email_messages)
