"""Model signal receivers of the kernel.

A changed password revokes the user's API tokens (CORE-8), whichever path changed it:
``set_password`` + ``save``, the admin's password form, ``changepassword``,
``createuser --password``. Comparing the stored hash in ``pre_save`` catches them all;
Django's silent re-hash on login (a hasher upgrade, same password) is told apart by
``_password`` being cleared and ``update_fields=["password"]``.
"""

from __future__ import annotations

from django.contrib.auth.hashers import is_password_usable
from django.db.models.signals import post_save, pre_save

from .models import User
from .services import user_api_tokens_revoke

_CHANGED = "_desk_password_changed"


def _password_changed(sender, instance: User, raw=False, update_fields=None, **kwargs) -> None:
    setattr(instance, _CHANGED, False)
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    old = stored.first()
    if not old or old == instance.password:  # no password yet (a new row), or unchanged
        return
    rehash_only = (
        instance._password is None
        and update_fields is not None
        and set(update_fields) == {"password"}
        and is_password_usable(instance.password)
    )
    setattr(instance, _CHANGED, not rehash_only)


def _revoke_tokens(sender, instance: User, created=False, raw=False, **kwargs) -> None:
    if raw or created or not getattr(instance, _CHANGED, False):
        return
    setattr(instance, _CHANGED, False)
    user_api_tokens_revoke(user=instance, reason="password changed")


def connect() -> None:
    pre_save.connect(_password_changed, sender=User, dispatch_uid="core.password_changed")
    post_save.connect(_revoke_tokens, sender=User, dispatch_uid="core.revoke_tokens")
