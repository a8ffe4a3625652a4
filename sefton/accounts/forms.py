"""Forms of the account pages (Flask-WTF: CSRF on every one)."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from . import passwords


class NewPasswordForm(FlaskForm):
    """Choosing a password; the rule (sefton.accounts.passwords) is checked by check_new_password()."""

    password = PasswordField("New password", validators=[DataRequired(passwords.EMPTY), Length(max=passwords.MAX_LENGTH)])
    confirm = PasswordField("Confirm the new password",
                            validators=[DataRequired("Enter the new password again"),
                                        EqualTo("password", "The two passwords do not match")])

    def check_new_password(self, user):
        """Validate, then apply the password rule for `user`; True when the password may be used."""
        ok = self.validate_on_submit()
        if self.password.data and not self.password.errors:
            found = passwords.problems(self.password.data, name=user.name, email=user.email)
            if found:
                self.password.errors = list(self.password.errors) + found
                ok = False
        return ok


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password"), Length(max=200)])
    # Declared again so that they come after `current` in the form and its error summary.
    password = PasswordField("New password", validators=[DataRequired(passwords.EMPTY), Length(max=passwords.MAX_LENGTH)])
    confirm = PasswordField("Confirm the new password",
                            validators=[DataRequired("Enter the new password again"),
                                        EqualTo("password", "The two passwords do not match")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Enter the code"), Length(max=40)])
