"""Forms of Administration → People."""
import unicodedata

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..extensions import db
from ..models import ROLES, Organisation
from ..web import int_arg
from ..workflow import evidence
from .views import ROLE_LABELS

ROLE_CHOICES = [SelectChoice("", "Choose a role")] + [SelectChoice(r, ROLE_LABELS[r].capitalize()) for r in ROLES]
HIDDEN_IN_NAME = ("The name has a line break or a hidden control or formatting character (such as a right-to-left "
                  "override): type the name again without it")


def name_problem(name):
    """The message for a person's name with characters that change how it reads (controls, line
    breaks, formatting such as a right-to-left override: the categories evidence file names refuse,
    sefton.workflow.evidence), or None."""
    if any(unicodedata.category(ch) in evidence.HIDDEN_CHARACTERS for ch in name or ""):
        return HIDDEN_IN_NAME
    return None


def plain_name(form, field):
    """WTForms validator: a name shown to others as typed, never rearranged by hidden characters."""
    problem = name_problem(field.data)
    if problem:
        raise ValidationError(problem)


def organisation_choices():
    orgs = db.session.scalars(select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name))
    return [SelectChoice("", "None")] + [SelectChoice(str(o.id), o.name) for o in orgs]


class AccessForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired("Choose a role")])
    organisation = SelectField("Organisation", choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = organisation_choices()

    def chosen_organisation(self):
        """The Organisation chosen, or None; adds an error when an org user has none."""
        number = int_arg(self.organisation.data)  # an id too large for the database is no organisation
        org = db.session.get(Organisation, number) if number is not None else None
        if self.role.data == "org" and org is None:
            self.organisation.errors = list(self.organisation.errors) + ["Choose the organisation of an organisation user"]
        return org


class InviteForm(AccessForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's full name"), Length(max=200),
                                                plain_name])
    email = StringField("Email address", validators=[DataRequired("Enter the person's email address"), Length(max=254)])
    # Declared again so that they follow name and email on the page and in the error summary.
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired("Choose a role")])
    organisation = SelectField("Organisation", choices=[])
