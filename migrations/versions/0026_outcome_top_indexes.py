"""indexes for the public results page: the country's and provinces' roll-ups without a scan

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 19:50:00

/capaian sums the country's and each province's rows (level 0 and 1) of every month: on the national
database that was a sequential scan of 990,000 outcome_counts rows, 110 ms.
"""
from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_outcome_counts_top', 'outcome_counts',
                    ['level', 'organisation_id', 'measure', 'course_id', 'region_code', 'people'])
    op.create_index('ix_outcome_snapshots_top', 'outcome_snapshots',
                    ['level', 'organisation_id', 'measure', 'course_id', 'region_code'])


def downgrade():
    op.drop_index('ix_outcome_snapshots_top', table_name='outcome_snapshots')
    op.drop_index('ix_outcome_counts_top', table_name='outcome_counts')
