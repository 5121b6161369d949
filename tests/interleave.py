"""Running something in the middle of a long job, as another request would.

A builder reports its progress with an UPDATE of its row between steps; the context
manager below runs ``action`` right after the first such UPDATE, through Django's
query hooks, so a test can withdraw or erase while a pack or batch is half built
without replacing any of Sori's code.
"""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def after_progress(table: str, action):
    done = []
    marker = f'UPDATE "{table}" SET "progress"'

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not done and sql.startswith(marker):
            done.append(True)
            action()
        return result

    with connection.execute_wrapper(wrapper):
        yield done
