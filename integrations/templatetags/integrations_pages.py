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
    """ESC-11: checkboxes for the library's links that suit the case (default pack ticked
    until the agent chooses)."""
    offered = resources_for_case(case)
    chosen = (preview or {}).get("resource_ids")
    if chosen is None:
        chosen_ids = {r.pk for r in default_resources(case)}
    else:
        chosen_ids = {int(v) for v in chosen if str(v).isdigit()}
    defaults = {r.pk for r in default_resources(case)}
    return {"offered": offered, "chosen_ids": chosen_ids, "default_ids": defaults}
