from django import template

from ..messages import client_messages_for
from ..resources import default_resources, resources_for_case

register = template.Library()


@register.simple_tag
def client_messages(timeline):
    """The email deliveries of a timeline's client-visible entries, by event id."""
    return client_messages_for(timeline)


@register.inclusion_tag("integrations/partials/resource_picker.html")
def resource_picker(case, preview=None):
    """ESC-11: checkboxes for the library's links that suit the case."""
    offered = resources_for_case(case)
    defaults = {r.pk for r in default_resources(case)}
    chosen = {int(v) for v in (preview or {}).get("resource_ids") or [] if str(v).isdigit()}
    # Nothing chosen: the default pack, which a {{ resources }} macro then inserts.
    return {"offered": offered, "chosen_ids": chosen or defaults, "default_ids": defaults}
