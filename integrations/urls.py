from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path(
        "cases/<str:reference>/messages/<int:message_id>/resend/",
        views.message_resend,
        name="message-resend",
    ),
]
