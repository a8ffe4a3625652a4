"""reminders and notifications: preferences per kind, items seen, days the reminders ran

Revision ID: 0003_e_notifications
Revises: 0002_admin_accounts
Create Date: 2026-11-26 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_e_notifications'
down_revision = '0002_admin_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_prefs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("frequency IN ('now', 'daily', 'weekly', 'off')", name=op.f('ck_notification_prefs_frequency')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_prefs_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_prefs')),
        sa.UniqueConstraint('user_id', 'kind', name='user_kind'))
    op.create_index(op.f('ix_notification_prefs_user_id'), 'notification_prefs', ['user_id'], unique=False)

    op.create_table('seen_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.String(length=60), nullable=False),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_seen_items_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seen_items')),
        sa.UniqueConstraint('user_id', 'item_key', name='user_item'))
    op.create_index(op.f('ix_seen_items_user_id'), 'seen_items', ['user_id'], unique=False)

    op.create_table('reminder_runs',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('ran_at', sa.DateTime(), nullable=False),
        sa.Column('messages', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_reminder_runs')))


def downgrade():
    op.drop_table('reminder_runs')
    op.drop_index(op.f('ix_seen_items_user_id'), table_name='seen_items')
    op.drop_table('seen_items')
    op.drop_index(op.f('ix_notification_prefs_user_id'), table_name='notification_prefs')
    op.drop_table('notification_prefs')
