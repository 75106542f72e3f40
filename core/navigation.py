"""Navigation entries per role. Apps add theirs with ``register_nav`` in AppConfig.ready."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    min_role: str = "agent"  # agent < team_lead < admin
    order: int = 100


NAV_ITEMS: list[NavItem] = []
_RANK = {"agent": 0, "team_lead": 1, "admin": 2}


def register_nav(label: str, url_name: str, *, min_role: str = "agent", order: int = 100) -> None:
    if not any(item.url_name == url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(label, url_name, min_role, order))


def nav_for(user) -> list[NavItem]:
    rank = 2 if user.is_superuser else _RANK.get(getattr(user, "role", "agent"), 0)
    return sorted(
        (item for item in NAV_ITEMS if _RANK[item.min_role] <= rank), key=lambda i: i.order
    )
