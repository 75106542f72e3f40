from django import template

register = template.Library()


@register.inclusion_tag("credits/partials/case_panel.html", takes_context=True)
def credit_panel(context):
    """The quote panel of the case page (CRD-1 to CRD-5), built for the viewer."""
    from credits.views import case_panel_context

    request = context["request"]
    inner = case_panel_context(request, context["case"])
    inner["request"] = request
    inner["user"] = request.user
    inner["csrf_token"] = context.get("csrf_token")
    return inner
