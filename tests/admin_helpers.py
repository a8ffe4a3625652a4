"""Helpers of the administration tests: finding demo objects and snapshotting every figure."""
import datetime as dt

from sqlalchemy import select

from sefton.figures import progress
from sefton.extensions import db
from sefton.models import Organisation, Recommendation, Review, Section, SubAction

TODAY = dt.date(2019, 4, 1)
EARLIER = [dt.date(2018, 12, 1), dt.date(2019, 1, 20), dt.date(2019, 3, 1), dt.date(2019, 3, 31)]


def org(code):
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def sefton():
    return db.session.scalar(select(Review).where(Review.code == "CLAS-2018"))


def section(number, review=None):
    review = review or sefton()
    return db.session.scalar(select(Section).where(Section.review_id == review.id, Section.number == number))


def rec(ref, review=None):
    number, position = (int(x) for x in ref.split("."))
    return db.session.scalar(select(Recommendation).where(Recommendation.section_id == section(number, review).id,
                                                          Recommendation.position == position))


def sub_action(ref, review=None):
    number, position, sa_pos = (int(x) for x in ref.split("."))
    return db.session.scalar(select(SubAction).where(SubAction.recommendation_id == rec(f"{number}.{position}", review).id,
                                                     SubAction.position == sa_pos))


def figures(review_id, days):
    """Every progress table (by section, by organisation, each organisation's slice) at each day."""
    orgs = db.session.scalars(select(Organisation.id)).all()
    return {day: {"by_section": progress.by_section(review_id, day).as_dict(),
                  "by_organisation": progress.by_organisation(review_id, day).as_dict(),
                  "slices": {o: progress.by_section(review_id, day, org_id=o).as_dict() for o in orgs}}
            for day in days}


def form_token(client, path):
    import re

    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
