"""The article's Ant and Colony, verbatim, apart from article.py: the
per-interpreter comparison (interpreters.py) imports them into every CPython
found, back to 3.6, where article.py's functools.cached_property (3.8) and
pandas are not there. No syntax or library newer than Python 3.6 here."""


def make_colony(slots):
    """The article's Ant (with or without __slots__) and Colony, verbatim."""
    if slots:
        class Ant:
            __slots__ = ["worker_id", "role", "colony"]

            def __init__(self, worker_id, role, colony):
                self.worker_id = worker_id
                self.role = role
                self.colony = colony
    else:
        class Ant:
            def __init__(self, worker_id, role, colony):
                self.worker_id = worker_id
                self.role = role
                self.colony = colony

    class Colony:
        def __init__(self, name):
            self.name = name
            self.ants = []

        def add_ant(self, worker_id, role):
            ant = Ant(worker_id, role, self.name)
            self.ants.append(ant)

    return Colony
