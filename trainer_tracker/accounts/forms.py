"""Sign-in and account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from ..web.forms import SelectField
from . import roles


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new = PasswordField("New password", description="At least 12 characters. Three random words work well.",
                        validators=[DataRequired("Enter a new password.")])


class UserForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter an email address."),
                                                    Email("Enter an email address like name@example.org.")])
    role = SelectField("Role", choices=[(r, roles.ROLE_LABELS[r]) for r in roles.ROLES])
    site = SelectField("Site", description="Needed for site leads.", choices=[])
    person = SelectField("Person in the cascade", description="For trainers and peer supporters.", choices=[])
    password = PasswordField("Temporary password", description="At least 12 characters. Tell the person "
                             "to change it after signing in.",
                             validators=[DataRequired("Enter a temporary password."), Length(max=256)])
