"""Fixtures shared by the test modules."""

import threading

import pytest


@pytest.fixture
def overlapping_users():
    """``run(context)``: thread a enters ``context()``, then thread b, then a
    leaves while b is still inside; ``run`` returns between a leaving and b
    leaving, with a ``finish()`` that lets b leave and waits for it. For the
    process-wide settings whose last user restores them."""

    def run(context):
        inside_a, leave_a, inside_b, leave_b = (threading.Event() for _ in range(4))

        def user(entered, leave):
            with context():
                entered.set()
                leave.wait(10)

        a = threading.Thread(target=user, args=(inside_a, leave_a))
        b = threading.Thread(target=user, args=(inside_b, leave_b))
        a.start()
        inside_a.wait(10)
        b.start()
        inside_b.wait(10)
        leave_a.set()  # a leaves first, while b is still inside
        a.join(10)

        def finish():
            leave_b.set()
            b.join(10)

        return finish

    return run
