"""An email backend for worker processes under test that hangs on each subject's first
send (so the test can SIGKILL the worker mid-send), then writes one JSON line per message.

``DESK_TEST_EMAIL_LOG``: the sent messages; ``DESK_TEST_EMAIL_STARTED``: one line per send
started (the test waits for it before the kill).
"""

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class HangingOnceEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        started = os.environ["DESK_TEST_EMAIL_STARTED"]
        for message in email_messages:
            path = Path(started)
            seen = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
            with open(started, "a", encoding="utf-8") as log:
                log.write(message.subject + "\n")
            if message.subject not in seen:
                time.sleep(8)  # the first try hangs: the worker is killed meanwhile
            with open(os.environ["DESK_TEST_EMAIL_LOG"], "a", encoding="utf-8") as log:
                log.write(json.dumps({"subject": message.subject, "to": message.to}) + "\n")
        return len(email_messages)
