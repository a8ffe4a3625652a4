"""plan administration, accounts, sessions, outbox, imports

Revision ID: 0002_admin_accounts
Revises: 0001_initial
Create Date: 2026-11-26 13:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_admin_accounts'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def _version(batch_op):
    batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as b:
        b.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        _version(b)
    with op.batch_alter_table('reviews', schema=None) as b:
        b.add_column(sa.Column('code', sa.String(length=40), nullable=True))
        b.add_column(sa.Column('chair', sa.String(length=200), nullable=False, server_default=''))
        b.add_column(sa.Column('plan_agreed_on', sa.Date(), nullable=True))
        b.add_column(sa.Column('governance', sa.Text(), nullable=False, server_default=''))
        _version(b)
        b.create_unique_constraint(b.f('uq_reviews_code'), ['code'])
    with op.batch_alter_table('sections', schema=None) as b:
        b.add_column(sa.Column('added_on', sa.Date(), nullable=True))
        b.add_column(sa.Column('retired_on', sa.Date(), nullable=True))
        _version(b)
    with op.batch_alter_table('recommendations', schema=None) as b:
        b.add_column(sa.Column('phc_reason', sa.Text(), nullable=True))
        b.add_column(sa.Column('phc_flagged_by_id', sa.Integer(), nullable=True))
        b.add_column(sa.Column('phc_flagged_at', sa.DateTime(), nullable=True))
        b.add_column(sa.Column('added_on', sa.Date(), nullable=True))
        b.add_column(sa.Column('retired_on', sa.Date(), nullable=True))
        _version(b)
        b.create_foreign_key(b.f('fk_recommendations_phc_flagged_by_id_users'), 'users', ['phc_flagged_by_id'], ['id'])
    with op.batch_alter_table('sub_actions', schema=None) as b:
        b.add_column(sa.Column('added_on', sa.Date(), nullable=True))
        b.add_column(sa.Column('retired_on', sa.Date(), nullable=True))
    with op.batch_alter_table('evidence_submissions', schema=None) as b:
        b.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
    with op.batch_alter_table('due_date_requests', schema=None) as b:
        b.add_column(sa.Column('requested_on', sa.Date(), nullable=True))
        b.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
    with op.batch_alter_table('audit_events', schema=None) as b:
        b.add_column(sa.Column('review_id', sa.Integer(), nullable=True))
        b.create_index(b.f('ix_audit_events_review_id'), ['review_id'], unique=False)
        b.create_foreign_key(b.f('fk_audit_events_review_id_reviews'), 'reviews', ['review_id'], ['id'])
    with op.batch_alter_table('users', schema=None) as b:
        b.alter_column('password_hash', existing_type=sa.String(length=256), nullable=True)
        b.add_column(sa.Column('password_changed_at', sa.DateTime(), nullable=True))
        b.add_column(sa.Column('invited_at', sa.DateTime(), nullable=True))
        b.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        b.add_column(sa.Column('totp_enabled_at', sa.DateTime(), nullable=True))
        b.add_column(sa.Column('sso_subject', sa.String(length=255), nullable=True))
        _version(b)

    op.create_table('original_due_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sub_action_id', sa.Integer(), nullable=False),
        sa.Column('previous_due_on', sa.Date(), nullable=False),
        sa.Column('new_due_on', sa.Date(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_original_due_changes_changed_by_id_users')),
        sa.ForeignKeyConstraint(['sub_action_id'], ['sub_actions.id'], name=op.f('fk_original_due_changes_sub_action_id_sub_actions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_original_due_changes')))
    op.create_index(op.f('ix_original_due_changes_sub_action_id'), 'original_due_changes', ['sub_action_id'], unique=False)

    op.create_table('user_sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.Column('user_agent', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')))
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)

    op.create_table('recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=256), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')))
    op.create_index(op.f('ix_recovery_codes_user_id'), 'recovery_codes', ['user_id'], unique=False)

    op.create_table('account_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_tokens_created_by_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash')))
    op.create_index(op.f('ix_account_tokens_user_id'), 'account_tokens', ['user_id'], unique=False)

    op.create_table('outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_addr', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('dedupe_key', sa.String(length=200), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('send_after', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_dedupe_key')))
    op.create_index(op.f('ix_outbox_user_id'), 'outbox', ['user_id'], unique=False)
    op.create_index(op.f('ix_outbox_send_after'), 'outbox', ['send_after'], unique=False)
    op.create_index(op.f('ix_outbox_sent_at'), 'outbox', ['sent_at'], unique=False)

    op.create_table('pending_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_pending_imports_review_id_reviews')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_imports_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_imports')))
    op.create_index(op.f('ix_pending_imports_review_id'), 'pending_imports', ['review_id'], unique=False)


def downgrade():
    for table in ('pending_imports', 'outbox', 'account_tokens', 'recovery_codes', 'user_sessions',
                  'original_due_changes'):
        op.drop_table(table)
    with op.batch_alter_table('users', schema=None) as b:
        for col in ('version', 'sso_subject', 'totp_enabled_at', 'totp_secret', 'invited_at', 'password_changed_at'):
            b.drop_column(col)
    with op.batch_alter_table('audit_events', schema=None) as b:
        b.drop_constraint(b.f('fk_audit_events_review_id_reviews'), type_='foreignkey')
        b.drop_index(b.f('ix_audit_events_review_id'))
        b.drop_column('review_id')
    with op.batch_alter_table('due_date_requests', schema=None) as b:
        b.drop_column('withdrawn_on')
        b.drop_column('requested_on')
    with op.batch_alter_table('evidence_submissions', schema=None) as b:
        b.drop_column('withdrawn_on')
    with op.batch_alter_table('sub_actions', schema=None) as b:
        b.drop_column('retired_on')
        b.drop_column('added_on')
    with op.batch_alter_table('recommendations', schema=None) as b:
        b.drop_constraint(b.f('fk_recommendations_phc_flagged_by_id_users'), type_='foreignkey')
        for col in ('version', 'retired_on', 'added_on', 'phc_flagged_at', 'phc_flagged_by_id', 'phc_reason'):
            b.drop_column(col)
    with op.batch_alter_table('sections', schema=None) as b:
        for col in ('version', 'retired_on', 'added_on'):
            b.drop_column(col)
    with op.batch_alter_table('reviews', schema=None) as b:
        b.drop_constraint(b.f('uq_reviews_code'), type_='unique')
        for col in ('version', 'governance', 'plan_agreed_on', 'chair', 'code'):
            b.drop_column(col)
    with op.batch_alter_table('organisations', schema=None) as b:
        b.drop_column('version')
        b.drop_column('active')
