"""sign-in that holds: two-step codes used once and counted, pending sign-ins on the server, NHSmail
bound to issuer and subject, trusted browsers, reset e-mails spaced out

Revision ID: 0007_sign_in_hardening
Revises: 0006_office_spreadsheet
Create Date: 2026-12-02 11:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_sign_in_hardening'
down_revision = '0006_office_spreadsheet'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('sso_issuer', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('sso_tenant', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('sso_linked_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('totp_pending_secret', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('totp_failures', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('reset_sent_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('untrusted_failures', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('untrusted_failed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('failure_notice_at', sa.DateTime(), nullable=True))
    op.create_table('pending_sign_ins',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('next_path', sa.String(length=500), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_sign_ins_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_sign_ins')))
    op.create_index(op.f('ix_pending_sign_ins_user_id'), 'pending_sign_ins', ['user_id'], unique=False)
    op.create_table('trusted_devices',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_trusted_devices_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trusted_devices')))
    op.create_index(op.f('ix_trusted_devices_user_id'), 'trusted_devices', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_trusted_devices_user_id'), table_name='trusted_devices')
    op.drop_table('trusted_devices')
    op.drop_index(op.f('ix_pending_sign_ins_user_id'), table_name='pending_sign_ins')
    op.drop_table('pending_sign_ins')
    with op.batch_alter_table('users') as batch:
        for column in ('failure_notice_at', 'untrusted_failed_at', 'untrusted_failures', 'reset_sent_at',
                       'totp_failures', 'totp_pending_secret', 'totp_last_step', 'sso_linked_at', 'sso_tenant',
                       'sso_issuer'):
            batch.drop_column(column)
