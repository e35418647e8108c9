"""Auth endpoints: login, refresh, logout, me, switch user; user accounts; login records."""

from __future__ import annotations

from flask import g, request
from flask.views import MethodView

from sqlalchemy import select

from ..errors import NotFound
from ..http import Blueprint, authenticated, db_session, paginate, permission, principal, public, settings
from . import operations as ops
from .models import User
from .operations import users_by_id
from .queries import login_records_query, users_query
from .schemas import (LeaveIn, LoginIn, LoginRecordArgs, LoginRecordPage, MeOut, PasswordChangeIn, PasswordResetIn,
                      RefreshIn, SwitchIn, TokensOut, UserCreateIn, UserListArgs, UserOut, UserPage, UserUpdateIn)

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login, sessions, switch user (spec §12.4, §16.1)")
users_blp = Blueprint("users", __name__, url_prefix="/api/users", description="User accounts and roles (spec §13.1)")


def _client_ip() -> str:
    return request.remote_addr or ""


def _tokens_out(pair: ops.TokenPair) -> dict:
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token, "expires_in": pair.expires_in,
            "user": pair.user, "acting_for": pair.actor}


def _finish(outcome: ops.LoginOutcome) -> dict:
    # The attempt is committed before a failure is answered: the throttle counts it.
    db_session().commit()
    if outcome.error is not None:
        if "retry_after" in outcome.error.extra:
            g.retry_after = outcome.error.extra["retry_after"]
        raise outcome.error
    return _tokens_out(outcome.tokens)


@blp.after_request
def _retry_after(response):
    wait = g.pop("retry_after", None)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    return response


@blp.route("/login", methods=["POST"])
@public
@blp.arguments(LoginIn)
@blp.response(200, TokensOut)
@blp.alt_response(429, schema="Error", headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
                  description="Too many failed logins from this address on this account (or from this address): "
                              "wait Retry-After seconds (also `retry_after` in the body). Never a lock.")
def login(data):
    """Log in with username and password; returns an access and a refresh token.

    Failed logins slow further tries down (docs/architecture.md, Auth): an attempt that
    comes too early is answered 429 and not checked."""
    ua = request.headers.get("User-Agent", "")
    return _finish(ops.login(db_session(), settings(), data["username"], data["password"], _client_ip(), ua))


@blp.route("/refresh", methods=["POST"])
@public
@blp.arguments(RefreshIn)
@blp.response(200, TokensOut)
def refresh(data):
    """Exchange a refresh token for a new pair (the old one stops working)."""
    return _finish(ops.refresh_session(db_session(), settings(), data["refresh_token"]))


@blp.route("/logout", methods=["POST"])
@authenticated
@blp.arguments(RefreshIn)
@blp.response(204)
def logout(data):
    """End this session: its refresh token and its access tokens stop working."""
    session = db_session()
    ops.logout(session, data["refresh_token"])
    session.commit()


@blp.route("/me", methods=["GET"])
@authenticated
@blp.response(200, MeOut)
def me():
    p = principal()
    users = users_by_id(db_session(), [p.user_id, p.actor_id])
    user, actor = users[p.user_id], users.get(p.actor_id)
    return {"user": user, "acting_for": actor, "permissions": sorted(p.permissions), "sees_all_organisations": p.sees_all}


@blp.route("/password", methods=["POST"])
@authenticated
@blp.arguments(PasswordChangeIn)
@blp.response(200, TokensOut)
def change_password(data):
    """Change one's own password. Every other session ends; this one goes on with the
    returned pair (the tokens it held stop working)."""
    session = db_session()
    pair = ops.change_own_password(session, settings(), data["current_password"], data["new_password"])
    session.commit()
    return _tokens_out(pair)


@blp.route("/switch-user", methods=["POST"])
@permission("admin.switch_user")
@blp.arguments(SwitchIn)
@blp.response(200, TokensOut)
def switch_user(data):
    """Act as a user of any service point; both identities go into every audit record."""
    session = db_session()
    pair = ops.switch_user(session, settings(), data["user_id"])
    session.commit()
    return _tokens_out(pair)


@blp.route("/switch-user/leave", methods=["POST"])
@authenticated
@blp.arguments(LeaveIn)
@blp.response(200, TokensOut)
def leave_switch(data):
    """Stop acting as another user; returns a session of the administrator's own."""
    session = db_session()
    pair = ops.leave_switch(session, settings(), data.get("refresh_token"))
    session.commit()
    return _tokens_out(pair)


@blp.route("/login-records", methods=["GET"])
@permission("system.login_records")
@blp.arguments(LoginRecordArgs, location="query")
@blp.response(200, LoginRecordPage)
def login_records(args):
    """Who logged in, from where, when, and with what outcome (spec §12.4)."""
    return paginate(db_session(), login_records_query(args), args)


def _get_user(user_id) -> User:
    user = db_session().execute(select(User).where(User.id == user_id)).scalar_one_or_none()
    if user is None:
        raise NotFound("no such user")
    return user


@users_blp.route("")
class Users(MethodView):
    @permission("user.view")
    @users_blp.arguments(UserListArgs, location="query")
    @users_blp.response(200, UserPage)
    def get(self, args):
        """Accounts of the caller's organisation (headquarters: all)."""
        return paginate(db_session(), users_query(args), args)

    @permission("user.manage")
    @users_blp.arguments(UserCreateIn)
    @users_blp.response(201, UserOut)
    def post(self, data):
        session = db_session()
        user = ops.create_user(session, settings(), **data)
        session.commit()
        return user


@users_blp.route("/<uuid:user_id>")
class UserItem(MethodView):
    @permission("user.view")
    @users_blp.response(200, UserOut)
    def get(self, user_id):
        return _get_user(user_id)

    @permission("user.manage")
    @users_blp.arguments(UserUpdateIn)
    @users_blp.response(200, UserOut)
    def patch(self, data, user_id):
        session = db_session()
        user = ops.update_user(session, _get_user(user_id), data)
        session.commit()
        return user


@users_blp.route("/<uuid:user_id>/password", methods=["POST"])
@permission("user.manage")
@users_blp.arguments(PasswordResetIn)
@users_blp.response(204)
def reset_password(data, user_id):
    """Set a new password; clears the failed logins and ends the account's sessions."""
    session = db_session()
    ops.reset_password(session, settings(), _get_user(user_id), data["password"])
    session.commit()


@users_blp.route("/<uuid:user_id>/unlock", methods=["POST"])
@permission("user.manage")
@users_blp.response(200, UserOut)
def unlock(user_id):
    """Forget the account's failed logins: no address has to wait before trying again."""
    session = db_session()
    user = ops.unlock_user(session, _get_user(user_id))
    session.commit()
    return user
