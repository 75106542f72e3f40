from .audit import AuditEvent
from .health import Heartbeat
from .people import Channel, Role, Team, User

__all__ = ["AuditEvent", "Channel", "Heartbeat", "Role", "Team", "User"]
