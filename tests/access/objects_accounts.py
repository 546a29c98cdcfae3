"""Access objects of the accounts app (placeholders for rows_accounts.py and everyone else)."""

from __future__ import annotations

from tests.access.harness import PASSWORD, access_object


@access_object("owner_token")
def owner_token(world):
    """An active API token of the owner applicant."""
    from beian.accounts.services import api_token_create

    token, _secret = api_token_create(user=world.user("owner"), name="owner's token")
    return token


@access_object("owner_username")
def owner_username(world):
    return world.user("owner").username


@access_object("password")
def password(world):
    """The password of every fixture user."""
    return PASSWORD
