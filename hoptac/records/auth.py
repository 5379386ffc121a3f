"""Signing in: Django's own backend, loading each request's user with its profile, office and agency in
one query (every page asks ``perms`` about them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

__all__ = ["ProfileBackend", "WITH_PROFILE"]

WITH_PROFILE = ("profile__office", "profile__agency")


class ProfileBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = get_user_model()._default_manager.select_related(*WITH_PROFILE).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
