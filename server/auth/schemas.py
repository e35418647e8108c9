import marshmallow as ma

from ..http import PageArgs, Schema, Str, page_schema
from .passwords import MAX_LENGTH
from .permissions import ROLES

ROLE_FIELD = ma.fields.String(validate=ma.validate.OneOf(list(ROLES)))
LANGUAGE = ma.fields.String(validate=ma.validate.OneOf(["zh-CN", "en"]))


class ClearableEmail(ma.fields.Email):
    """An email address, or null or "" to have none (stored as "")."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, validate=ma.validate.Length(max=120), **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is None or value == "":
            return ""
        return super().deserialize(value, attr, data, **kwargs)


class LoginIn(Schema):
    username = Str(64, required=True, min_len=1)
    password = Str(MAX_LENGTH, required=True, min_len=1)


class RefreshIn(Schema):
    refresh_token = Str(100, required=True, min_len=1)


class LeaveIn(Schema):
    refresh_token = Str(100)


class SwitchIn(Schema):
    user_id = ma.fields.UUID(required=True)


class UserOut(Schema):
    id = ma.fields.UUID()
    username = ma.fields.String()
    full_name = ma.fields.String()
    org_id = ma.fields.UUID()
    roles = ma.fields.List(ma.fields.String())
    phone = ma.fields.String()
    email = ma.fields.String()
    language = ma.fields.String()
    active = ma.fields.Boolean()
    last_login_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class TokensOut(Schema):
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    token_type = ma.fields.String(dump_default="Bearer")
    expires_in = ma.fields.Integer()
    user = ma.fields.Nested(UserOut)
    acting_for = ma.fields.Nested(UserOut, allow_none=True, metadata={"description": "The administrator, while switched"})


class MeOut(Schema):
    user = ma.fields.Nested(UserOut)
    acting_for = ma.fields.Nested(UserOut, allow_none=True)
    permissions = ma.fields.List(ma.fields.String())
    sees_all_organisations = ma.fields.Boolean()


class UserCreateIn(Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Regexp(
        r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$", error="2-64 letters, digits, dot, dash or underscore"))
    full_name = Str(80, required=True, min_len=1)
    password = Str(MAX_LENGTH, required=True)
    org_id = ma.fields.UUID(load_default=None)
    roles = ma.fields.List(ROLE_FIELD, required=True, validate=ma.validate.Length(min=1, max=len(ROLES)))
    phone = Str(40, load_default="")
    email = ClearableEmail(load_default="")
    language = LANGUAGE


class UserUpdateIn(Schema):
    full_name = Str(80, min_len=1)
    roles = ma.fields.List(ROLE_FIELD, validate=ma.validate.Length(min=1, max=len(ROLES)))
    phone = Str(40)
    email = ClearableEmail()
    language = LANGUAGE
    active = ma.fields.Boolean()


class PasswordResetIn(Schema):
    password = Str(MAX_LENGTH, required=True)


class PasswordChangeIn(Schema):
    current_password = Str(MAX_LENGTH, required=True, min_len=1)
    new_password = Str(MAX_LENGTH, required=True)


class UserListArgs(PageArgs):
    q = Str(64)
    org_id = ma.fields.UUID()
    role = ROLE_FIELD
    active = ma.fields.Boolean()


class LoginRecordOut(Schema):
    id = ma.fields.UUID()
    at = ma.fields.DateTime()
    username = ma.fields.String()
    user_id = ma.fields.UUID(allow_none=True)
    org_id = ma.fields.UUID(allow_none=True)
    ip = ma.fields.String()
    user_agent = ma.fields.String()
    outcome = ma.fields.String()


class LoginRecordArgs(PageArgs):
    username = Str(64)
    # locked: attempts refused by the lockout this throttle replaced (older rows only).
    outcome = ma.fields.String(validate=ma.validate.OneOf(["ok", "bad_password", "unknown_user", "inactive", "throttled",
                                                           "locked"]))
    since = ma.fields.AwareDateTime(default_timezone=None)
    until = ma.fields.AwareDateTime(default_timezone=None)


UserPage = page_schema(UserOut, "UserPage")
LoginRecordPage = page_schema(LoginRecordOut, "LoginRecordPage")
