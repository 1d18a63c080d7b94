"""organisations; a group's organisation and region; the programme officer role and its area

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 10:00:00

Organisations (a Sentra, an LKS, a Puskesmas partner, a village office) are retired, never deleted, so
cohorts.organisation_id needs no ON DELETE rule. cohorts.region_code and users.scope_region_code refer to
regions, whose rows are never deleted either. The role CHECK constraint gains 'programme' (batch mode: SQLite
rebuilds the table). Existing groups and accounts are unchanged: no organisation, no region, no area.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('sentra', 'lks', 'puskesmas', 'village', 'other')",
                       name=op.f('ck_organisations_known_kind')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_organisations_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_index('ix_organisations_created_at_id', 'organisations', ['created_at', 'id'])
    op.create_index(op.f('ix_organisations_region_code'), 'organisations', ['region_code'])

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('region_code', sa.String(length=13), nullable=True))
        batch_op.create_index(batch_op.f('ix_cohorts_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_region_code'), ['region_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cohorts_organisation_id_organisations'), 'organisations',
                                    ['organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_cohorts_region_code_regions'), 'regions', ['region_code'], ['code'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_region_code', sa.String(length=13), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_scope_region_code_regions'), 'regions',
                                    ['scope_region_code'], ['code'])
        batch_op.drop_constraint(op.f('ck_users_known_role'), type_='check')
        batch_op.create_check_constraint('known_role', "role IN ('learner', 'trainer', 'admin', 'programme')")


def downgrade():
    # A programme officer becomes a learner: the older schema knows no other role for them.
    op.execute(sa.text("UPDATE users SET role = 'learner' WHERE role = 'programme'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_known_role'), type_='check')
        batch_op.create_check_constraint('known_role', "role IN ('learner', 'trainer', 'admin')")
        batch_op.drop_constraint(batch_op.f('fk_users_scope_region_code_regions'), type_='foreignkey')
        batch_op.drop_column('scope_region_code')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cohorts_region_code_regions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cohorts_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cohorts_region_code'))
        batch_op.drop_index(batch_op.f('ix_cohorts_organisation_id'))
        batch_op.drop_column('region_code')
        batch_op.drop_column('organisation_id')
    op.drop_index(op.f('ix_organisations_region_code'), table_name='organisations')
    op.drop_index('ix_organisations_created_at_id', table_name='organisations')
    op.drop_table('organisations')
