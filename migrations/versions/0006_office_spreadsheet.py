"""the office's spreadsheet: due dates to be confirmed, organisation aliases, remembered column
mappings, the Map page's choices, and records imported from the office's file

Revision ID: 0006_office_spreadsheet
Revises: 0005_sub_action_owner_index
Create Date: 2026-12-02 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_office_spreadsheet'
down_revision = '0005_sub_action_owner_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sub_actions') as batch:
        batch.alter_column('original_due_on', existing_type=sa.Date(), nullable=True)
        batch.alter_column('current_due_on', existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table('original_due_changes') as batch:
        batch.alter_column('previous_due_on', existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table('due_date_requests') as batch:
        batch.alter_column('previous_due_on', existing_type=sa.Date(), nullable=True)
        batch.add_column(sa.Column('imported_from', sa.String(length=255), nullable=True))
    with op.batch_alter_table('evidence_submissions') as batch:
        batch.add_column(sa.Column('imported_from', sa.String(length=255), nullable=True))
    with op.batch_alter_table('pending_imports') as batch:
        batch.add_column(sa.Column('settings', sa.JSON(), nullable=True))
    op.create_table('organisation_aliases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('alias', sa.String(length=200), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_organisation_aliases_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_organisation_aliases_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_aliases')),
        sa.UniqueConstraint('key', name=op.f('uq_organisation_aliases_key')))
    op.create_index(op.f('ix_organisation_aliases_organisation_id'), 'organisation_aliases', ['organisation_id'],
                    unique=False)
    op.create_table('import_mappings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('headings', sa.String(length=64), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('saved_by_id', sa.Integer(), nullable=True),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_import_mappings_review_id_reviews')),
        sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_import_mappings_saved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
        sa.UniqueConstraint('review_id', 'headings', name='review_headings'))
    op.create_index(op.f('ix_import_mappings_review_id'), 'import_mappings', ['review_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_import_mappings_review_id'), table_name='import_mappings')
    op.drop_table('import_mappings')
    op.drop_index(op.f('ix_organisation_aliases_organisation_id'), table_name='organisation_aliases')
    op.drop_table('organisation_aliases')
    with op.batch_alter_table('pending_imports') as batch:
        batch.drop_column('settings')
    with op.batch_alter_table('evidence_submissions') as batch:
        batch.drop_column('imported_from')
    with op.batch_alter_table('due_date_requests') as batch:
        batch.drop_column('imported_from')
        batch.alter_column('previous_due_on', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('original_due_changes') as batch:
        batch.alter_column('previous_due_on', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('sub_actions') as batch:
        batch.alter_column('current_due_on', existing_type=sa.Date(), nullable=False)
        batch.alter_column('original_due_on', existing_type=sa.Date(), nullable=False)
