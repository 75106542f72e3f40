from .access import AccessSettings, ServiceToken
from .audit import AuditEvent
from .calendars import BusinessCalendar, Holiday, HolidaySource, Weekday, WorkingInterval
from .health import Heartbeat, PeriodicClaim
from .notifications import ChatMessage, EmailStatus, Notification, NotificationSettings
from .people import Channel, Role, Team, User
from .sla import ClockState, SlaClock, SlaFanOut, SlaPause, SweepKind

__all__ = [
    "AccessSettings",
    "AuditEvent",
    "BusinessCalendar",
    "Channel",
    "ChatMessage",
    "ClockState",
    "EmailStatus",
    "Heartbeat",
    "Holiday",
    "HolidaySource",
    "Notification",
    "NotificationSettings",
    "PeriodicClaim",
    "Role",
    "SlaClock",
    "SlaFanOut",
    "SlaPause",
    "ServiceToken",
    "SweepKind",
    "Team",
    "User",
    "Weekday",
    "WorkingInterval",
]
