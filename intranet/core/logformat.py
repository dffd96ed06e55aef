"""Log formatters (imported by the LOGGING setting before the apps load: no models here)."""

import json
import logging
import re


class JsonFormatter(logging.Formatter):
    """Log records as one JSON object per line (for journald, Loki, Elastic …)."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class LineFormatter(logging.Formatter):
    """Human-readable lines with the structured fields appended as key=value."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record):
        line = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            line += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        return line


# URL segments that are secrets: a calendar feed, a desk's check-in code, a room display.
# Anyone who reads the access log could otherwise use them.
_TOKEN_IN_PATH = re.compile(r"(/(?:check-in|calendar|display)/)[^/\s?\"']+")


def redact_tokens(text: str) -> str:
    return _TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Take the secret tokens out of request paths in access logs (uvicorn, daphne,
    the development server, django.request)."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_tokens(arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


ACCESS_LOGGERS = ("uvicorn.access", "daphne.server", "django.server", "django.request")


def redact_access_logs() -> None:
    """Attach :class:`RedactTokens` to every logger that writes request paths."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
