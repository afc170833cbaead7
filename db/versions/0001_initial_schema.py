"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26

On SQLite also the FTS5 trigram index over items (title, 文号, 索引号, content) and the
triggers that keep it current. A later batch migration that recreates ``item`` drops these
triggers with the table: such a migration must create them again (see ITEM_FTS_TRIGGERS).
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('calendar_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_year'))
    )
    op.create_table('catalogue_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('content_elements', sa.Text(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('time_limit_days', sa.Integer(), nullable=False),
    sa.Column('time_limit_text', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('layer', sa.String(length=20), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['catalogue_entry.id'],
                            name=op.f('fk_catalogue_entry_parent_id_catalogue_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_entry'))
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('name', name=op.f('uq_department_name'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('stored_file',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_file'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_person_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_no', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('doc_no', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('catalogue_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('drafter_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('attribute', sa.String(length=12), nullable=False),
    sa.Column('withheld_reason', sa.Text(), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('notice_start', sa.Date(), nullable=True),
    sa.Column('notice_end', sa.Date(), nullable=True),
    sa.Column('notice_days', sa.Integer(), nullable=True),
    sa.Column('notice_day_kind', sa.String(length=10), nullable=True),
    sa.Column('posted_on', sa.Date(), nullable=True),
    sa.Column('posted_board', sa.String(length=100), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('validity', sa.String(length=10), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('interpretation_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('revision_of_id', sa.Integer(), nullable=True),
    sa.Column('revision_no', sa.Integer(), nullable=False),
    sa.Column('source_file', sa.String(length=300), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['catalogue_id'], ['catalogue_entry.id'],
                            name=op.f('fk_item_catalogue_id_catalogue_entry')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_item_department_id_department')),
    sa.ForeignKeyConstraint(['drafter_id'], ['person.id'], name=op.f('fk_item_drafter_id_person')),
    sa.ForeignKeyConstraint(['interpretation_id'], ['item.id'], name=op.f('fk_item_interpretation_id_item')),
    sa.ForeignKeyConstraint(['revision_of_id'], ['item.id'], name=op.f('fk_item_revision_of_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('index_no', name=op.f('uq_item_index_no'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_catalogue_id'), ['catalogue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_item_formed', ['formed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_item_published', ['published_on'], unique=False)
        batch_op.create_index('ix_item_status_due', ['status', 'due_on'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=260), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_by', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_attachment_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sha256'], ['stored_file.sha256'], name=op.f('fk_attachment_sha256_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_item_id'), ['item_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        create_item_fts()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS item_fts")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_item_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_status_due')
        batch_op.drop_index('ix_item_published')
        batch_op.drop_index(batch_op.f('ix_item_kind'))
        batch_op.drop_index('ix_item_formed')
        batch_op.drop_index(batch_op.f('ix_item_department_id'))
        batch_op.drop_index(batch_op.f('ix_item_catalogue_id'))

    op.drop_table('item')
    op.drop_table('person')
    op.drop_table('stored_file')
    op.drop_table('setting')
    op.drop_table('department')
    op.drop_table('catalogue_entry')
    op.drop_table('calendar_year')
    op.drop_table('calendar_day')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_event')


ITEM_FTS_TRIGGERS = [
    """CREATE TRIGGER item_fts_ai AFTER INSERT ON item BEGIN
        INSERT INTO item_fts(rowid, title, doc_no, index_no, content)
        VALUES (new.id, new.title, new.doc_no, new.index_no, new.content);
    END""",
    """CREATE TRIGGER item_fts_ad AFTER DELETE ON item BEGIN
        INSERT INTO item_fts(item_fts, rowid, title, doc_no, index_no, content)
        VALUES ('delete', old.id, old.title, old.doc_no, old.index_no, old.content);
    END""",
    """CREATE TRIGGER item_fts_au AFTER UPDATE OF title, doc_no, index_no, content ON item BEGIN
        INSERT INTO item_fts(item_fts, rowid, title, doc_no, index_no, content)
        VALUES ('delete', old.id, old.title, old.doc_no, old.index_no, old.content);
        INSERT INTO item_fts(rowid, title, doc_no, index_no, content)
        VALUES (new.id, new.title, new.doc_no, new.index_no, new.content);
    END""",
]


def create_item_fts() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE item_fts USING fts5(title, doc_no, index_no, content,"
        " content='item', content_rowid='id', tokenize='trigram')"
    )
    for ddl in ITEM_FTS_TRIGGERS:
        op.execute(ddl)
