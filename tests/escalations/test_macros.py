"""ESC-6 macros and UFL-6 "call first": placeholders, escaping, timeline, suggestions."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import ValidationError

from core.errors import Forbidden, InvalidInput
from core.models import SlaClock
from escalations.models import CaseEvent, EventKind, Macro, Visibility
from escalations.services import case_claim, macro_render, macro_send


@pytest.fixture
def schedule_macro(db):
    return Macro.objects.get(slug="no-phone-schedule-call")


def test_shipped_schedule_call_macro_renders_from_case_esc_6(make_case, agent, schedule_macro):
    case = make_case(client_name="Dana Client", issue_summary="your unresponsive freelancer")
    rendered = macro_render(
        macro=schedule_macro,
        case=case,
        agent=agent,
        extra={"empathy_statement": "I know how stressful this is"},
    )
    assert rendered.body.startswith("Hello Dana Client,")
    assert "Thanks for reaching out about your unresponsive freelancer." in rendered.body
    assert "I know how stressful this is." in rendered.body
    assert f"/{agent.username}" in rendered.body  # the scheduling link
    assert "{{" not in rendered.body and "}}" not in rendered.body
    assert rendered.subject == f"Let's talk about {case.reference}"


def test_values_are_html_escaped_esc_6(make_case, agent, schedule_macro):
    case = make_case(client_name='<script>alert("x")</script> Eve')
    rendered = macro_render(macro=schedule_macro, case=case, agent=agent)
    assert "<script>" not in rendered.body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Eve" in rendered.body


def test_unknown_placeholder_refused_on_save_and_render_esc_6(make_case, agent):
    macro = Macro(name="Bad", slug="bad", body="Hi {{ client_name }}, your {{ password }}")
    with pytest.raises(ValidationError) as exc:
        macro.full_clean()
    assert "password" in str(exc.value)
    macro.save()  # bypassing validation (e.g. raw SQL) is still caught at render time
    with pytest.raises(InvalidInput) as exc:
        macro_render(macro=macro, case=make_case(), agent=agent)
    assert exc.value.code == "unknown_placeholder" and "password" in exc.value.message


def test_unknown_extra_and_missing_value_refused_esc_6(make_case, agent, schedule_macro):
    case = make_case(issue_summary="")
    with pytest.raises(InvalidInput) as exc:
        macro_render(macro=schedule_macro, case=case, agent=agent, extra={"ssn": "1"})
    assert "ssn" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        macro_render(macro=schedule_macro, case=case, agent=agent)
    assert exc.value.code == "missing_placeholder" and "issue_summary" in exc.value.message


def test_send_records_client_visible_reply_and_meets_first_response_esc_6(
    make_case, agent, schedule_macro
):
    case = make_case()
    case = case_claim(case=case, agent=agent)
    event = macro_send(macro=schedule_macro, case=case, agent=agent)
    assert event.kind == EventKind.REPLY and event.visibility == Visibility.CLIENT_VISIBLE
    assert "Dana Client" in event.body
    assert event.data["macro"] == schedule_macro.pk
    assert SlaClock.objects.get(object_id=case.pk, metric="first_response").state == "met"


def test_only_assignee_or_lead_sends_esc_6(make_case, agent, other_agent, schedule_macro):
    case = case_claim(case=make_case(), agent=agent)
    with pytest.raises(Forbidden):
        macro_send(macro=schedule_macro, case=case, agent=other_agent)
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.REPLY).exists()


def test_case_without_phone_suggests_scheduling_macro_ufl_6(make_case, schedule_macro):
    assert make_case(client_phone="").suggested_macros == [schedule_macro]
    assert make_case(client_phone="+1 415 555 0100").suggested_macros == []


def test_admin_form_refuses_unknown_placeholder_esc_6(admin_user, rf):
    from escalations.admin import MacroAdmin

    admin = MacroAdmin(Macro, AdminSite())
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.get_form(request)
    form = form_class(data={"name": "X", "slug": "x", "body": "Hi {{ nickname }}", "kinds": "[]"})
    assert not form.is_valid()
    assert "nickname" in str(form.errors["body"])
