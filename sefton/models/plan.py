"""The plan: reviews, sections, recommendations (with their owners and the Public Health flag and
responses) and sub-actions, and the office's changes to an original due date."""
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import Organisation, User
from .common import OPEN, STATES, utcnow

if TYPE_CHECKING:  # defined in .workflow, which needs SubAction from here
    from .workflow import DueDateRequest, EvidenceSubmission, ProgressNote


recommendation_owners = db.Table(
    "recommendation_owners",
    db.Column("recommendation_id", db.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    db.Column("organisation_id", db.ForeignKey("organisations.id"), primary_key=True, index=True),
)


class Review(db.Model):
    """An inspection whose recommendations the plan answers (the 2018 Sefton CLAS review)."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(300))
    body: Mapped[str] = mapped_column(db.String(200))  # the inspecting body
    area: Mapped[str] = mapped_column(db.String(100))
    on_site_from: Mapped[dt.date]
    on_site_to: Mapped[dt.date]
    published_on: Mapped[dt.date]
    plan_due_on: Mapped[dt.date]
    summary: Mapped[str] = mapped_column(db.Text, default="")  # the review's context ("7 inspectors; …")
    code: Mapped[str | None] = mapped_column(db.String(40), unique=True)  # short name, e.g. CLAS-2018
    chair: Mapped[str] = mapped_column(db.String(200), default="")
    plan_agreed_on: Mapped[dt.date | None]
    governance: Mapped[str] = mapped_column(db.Text, default="")  # governance statement
    version: Mapped[int] = mapped_column(default=1)

    sections: Mapped[list["Section"]] = relationship(back_populates="review", order_by="Section.number")
    __mapper_args__ = {"version_id_col": version}


class Section(db.Model):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(db.ForeignKey("reviews.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(db.Text)
    added_on: Mapped[dt.date | None]  # business date it joined the plan (None: from the start)
    retired_on: Mapped[dt.date | None]  # business date it left the plan; never deleted
    version: Mapped[int] = mapped_column(default=1)

    review: Mapped[Review] = relationship(back_populates="sections")
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="section", order_by="Recommendation.position"
    )
    __table_args__ = (db.UniqueConstraint("review_id", "number", name="review_number"),)
    __mapper_args__ = {"version_id_col": version}


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(db.ForeignKey("sections.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(db.Text)
    phc_flag: Mapped[bool] = mapped_column(default=False)  # for the attention of Public Health Commissioners
    phc_reason: Mapped[str | None] = mapped_column(db.Text)  # why it is flagged (required with the flag)
    phc_flagged_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    phc_flagged_at: Mapped[dt.datetime | None]
    added_on: Mapped[dt.date | None]
    retired_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    section: Mapped[Section] = relationship(back_populates="recommendations")
    owners: Mapped[list[Organisation]] = relationship(
        secondary=recommendation_owners, order_by=Organisation.id
    )
    sub_actions: Mapped[list["SubAction"]] = relationship(
        back_populates="recommendation", order_by="SubAction.position"
    )
    __table_args__ = (db.UniqueConstraint("section_id", "position", name="section_position"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def ref(self):
        return f"{self.section.number}.{self.position}"


class SubAction(db.Model):
    __tablename__ = "sub_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(db.ForeignKey("recommendations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(db.ForeignKey("organisations.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(db.Text)
    lead_name: Mapped[str] = mapped_column(db.String(200))
    original_due_on: Mapped[dt.date | None]  # None: "to be confirmed" (Grey, never Red, until one is set)
    current_due_on: Mapped[dt.date | None]  # = original unless a reviewer accepted a revised date
    state: Mapped[str] = mapped_column(db.String(20), default=OPEN)
    accepted_on: Mapped[dt.date | None]  # business date the current evidence was accepted
    added_on: Mapped[dt.date | None]  # business date it joined the plan (None: from the start)
    retired_on: Mapped[dt.date | None]  # counts until this date, never on or after it; never deleted
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    recommendation: Mapped[Recommendation] = relationship(back_populates="sub_actions")
    owner: Mapped[Organisation] = relationship()
    notes: Mapped[list["ProgressNote"]] = relationship(
        back_populates="sub_action", order_by="desc(ProgressNote.id)"
    )
    submissions: Mapped[list["EvidenceSubmission"]] = relationship(
        back_populates="sub_action", order_by="EvidenceSubmission.id"
    )
    date_requests: Mapped[list["DueDateRequest"]] = relationship(
        back_populates="sub_action", order_by="DueDateRequest.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.UniqueConstraint("recommendation_id", "position", name="recommendation_position"),
        db.CheckConstraint(f"state IN {STATES}", name="state"),
        # An organisation's sub-actions of each recommendation (My actions, the full list, counts):
        # one index lookup per recommendation, where PostgreSQL otherwise intersects two indexes
        # and reads every sub-action the organisation owns for each of its recommendations.
        db.Index("ix_sub_actions_recommendation_owner", "recommendation_id", "owner_id"),
    )

    @property
    def ref(self):
        rec = self.recommendation
        return f"{rec.section.number}.{rec.position}.{self.position}"

    @property
    def revised(self):
        return self.current_due_on != self.original_due_on


class OriginalDueChange(db.Model):
    """An administrator's change of a sub-action's original due date, with its reason. Kept apart
    from reviewer-decided date requests; in force from `effective_on`, so figures "as at" an
    earlier date do not change."""

    __tablename__ = "original_due_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    sub_action_id: Mapped[int] = mapped_column(db.ForeignKey("sub_actions.id"), index=True)
    previous_due_on: Mapped[dt.date | None]  # None: the date was to be confirmed
    new_due_on: Mapped[dt.date]
    effective_on: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(db.Text)
    changed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class PhcResponse(db.Model):
    """A Public Health Commissioner's acknowledgement of, or comment on, a flagged recommendation."""

    __tablename__ = "phc_responses"
    ACKNOWLEDGED, COMMENT = "acknowledged", "comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(db.ForeignKey("recommendations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(db.String(20))
    body: Mapped[str] = mapped_column(db.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
    __table_args__ = (db.CheckConstraint("kind IN ('acknowledged', 'comment')", name="kind"),)
