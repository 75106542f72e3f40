"""Input checks shared by hiring's services (InvalidInput naming the field)."""

from __future__ import annotations

from core import validation
from core.errors import InvalidInput


def text_value(value, *, field: str, limit: int, multiline: bool = False, required=True) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if value is None or value == "":
        if required:
            raise InvalidInput("This field is required.", field=field)
        return ""
    if not isinstance(value, str):
        raise InvalidInput("Must be text.", field=field)
    if len(value) > limit:
        raise InvalidInput(f"At most {limit} characters.", field=field)
    validation.check_text(value, field=field, multiline=multiline)
    return value


def languages_value(value, *, field: str = "languages") -> list[str]:
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.replace(";", ",").split(",")) if v]
    if not isinstance(value, list) or len(value) > 10:
        raise InvalidInput("Give a list of up to 10 languages.", field=field)
    return [text_value(v, field=field, limit=40) for v in value]
