from django.contrib.auth import views as auth_views
from django.urls import path

from . import notification_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz/", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("notifications/", notification_views.notifications_page, name="notifications"),
    path("notifications/badge/", notification_views.notification_badge, name="notification-badge"),
    path(
        "notifications/read-all/",
        notification_views.notifications_read_all,
        name="notifications-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification-open",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
