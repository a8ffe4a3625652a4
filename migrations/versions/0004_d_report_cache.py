"""report cache (finished PDFs), Public Health Commissioners' responses; request dates filled in

Revision ID: 0003_d_report_cache
Revises: 0003_e_notifications
Create Date: 2026-11-26 13:30:00

"""
import datetime as dt
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0003_d_report_cache'
down_revision = '0003_e_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_cache',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_report_cache_review_id_reviews')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_cache')),
        sa.UniqueConstraint('key', name=op.f('uq_report_cache_key')),
    )
    op.create_index(op.f('ix_report_cache_created_at'), 'report_cache', ['created_at'])
    op.create_table(
        'phc_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recommendation_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('acknowledged', 'comment')", name=op.f('ck_phc_responses_kind')),
        sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'],
                                name=op.f('fk_phc_responses_recommendation_id_recommendations')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_phc_responses_author_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phc_responses')),
    )
    op.create_index(op.f('ix_phc_responses_recommendation_id'), 'phc_responses', ['recommendation_id'])
    # Date requests made before requested_on was written: their London date.
    london = ZoneInfo('Europe/London')
    conn = op.get_bind()
    requests = sa.table('due_date_requests', sa.column('id', sa.Integer), sa.column('requested_at', sa.DateTime),
                        sa.column('requested_on', sa.Date))
    for rid, at in conn.execute(sa.select(requests.c.id, requests.c.requested_at)
                                .where(requests.c.requested_on.is_(None))).all():
        day = at.replace(tzinfo=dt.timezone.utc).astimezone(london).date()
        conn.execute(requests.update().where(requests.c.id == rid).values(requested_on=day))


def downgrade():
    op.drop_index(op.f('ix_phc_responses_recommendation_id'), table_name='phc_responses')
    op.drop_table('phc_responses')
    op.drop_index(op.f('ix_report_cache_created_at'), table_name='report_cache')
    op.drop_table('report_cache')
