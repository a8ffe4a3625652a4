"""index on sub_actions (recommendation_id, owner_id): an organisation's sub-actions per recommendation

Revision ID: 0005_sub_action_owner_index
Revises: 0003_d_report_cache
Create Date: 2026-11-27 04:00:00

"""
from alembic import op


revision = '0005_sub_action_owner_index'
down_revision = '0003_d_report_cache'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_sub_actions_recommendation_owner', 'sub_actions', ['recommendation_id', 'owner_id'])


def downgrade():
    op.drop_index('ix_sub_actions_recommendation_owner', table_name='sub_actions')
