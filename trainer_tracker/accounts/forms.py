"""Sign-in, account, user and site forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..web.forms import IdSelectField, RadioField, ReasonMixin, SelectField
from . import roles


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=1024)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password."),
                                                            Length(max=1024)])
    new = PasswordField("New password", description="At least 12 characters. Three random words work well.",
                        validators=[DataRequired("Enter a new password."), Length(max=1024)])


class ForgotForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address."), Length(max=254)])


class ResetForm(FlaskForm):
    password = PasswordField("New password", description="At least 12 characters. Three random words work well.",
                             validators=[DataRequired("Enter a new password."), Length(max=1024)])


def _role_choices():
    return [(r, roles.ROLE_LABELS[r]) for r in roles.ROLES]


class UserForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter an email address."), Length(max=254),
                                                    Email("Enter an email address like name@example.org.",
                                                          check_deliverability=False)])
    role = SelectField("Role", choices=_role_choices())
    site = SelectField("Site", description="Needed for site leads.", choices=[])
    person = IdSelectField("Person in the cascade", description="For trainers and peer supporters.", choices=[])
    password = PasswordField("Temporary password", description="At least 12 characters. Tell the person "
                             "to change it after signing in.",
                             validators=[DataRequired("Enter a temporary password."), Length(max=1024)])


class EditUserForm(ReasonMixin, FlaskForm):
    role = SelectField("Role", choices=_role_choices())
    site = SelectField("Site", description="Needed for site leads.", choices=[])
    person = IdSelectField("Person in the cascade", description="For trainers and peer supporters.", choices=[])


class SiteForm(FlaskForm):
    code = StringField("Site code", description="2 to 8 letters or digits, e.g. EL. It starts every carer's "
                       "study ID at this site and cannot change later.",
                       validators=[DataRequired("Enter a site code."), Length(max=8)])
    name = StringField("Name", validators=[DataRequired("Enter the site's name."), Length(max=120)])
    setting = RadioField("Setting", choices=[("urban", "Urban"), ("rural", "Rural")], validators=[Optional()])


class EditSiteForm(ReasonMixin, FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter the site's name."), Length(max=120)])
    setting = RadioField("Setting", choices=[("urban", "Urban"), ("rural", "Rural")], validators=[Optional()])


class SecondStepForm(FlaskForm):
    code = StringField("Code", description="The 6 digits your authenticator app shows now, or one of your "
                       "recovery codes.", validators=[DataRequired("Enter the code."), Length(max=32)])


class TwoStepOnForm(FlaskForm):
    code = StringField("Code from your app", description="After adding the account, type the 6 digits it shows.",
                       validators=[DataRequired("Enter the code from your app."), Length(max=32)])


class TwoStepOffForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password."),
                                                            Length(max=1024)])
