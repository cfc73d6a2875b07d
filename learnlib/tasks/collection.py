"""learnlib's Invoke collection, `ns`: what `learnlib` and this repository's tasks.py both serve.

Another repository's tasks.py adds it with ``ns.add_collection(learnlib.tasks.collection.ns)``.
A new task is a module under learnlib/tasks/ whose task is added to ``ns`` here.
"""

from invoke.collection import Collection

from learnlib.tasks.backlog import learn_backlog
from learnlib.tasks.config import invoke_defaults
from learnlib.tasks.land import land
from learnlib.tasks.learn import trigger_async_learn
from learnlib.tasks.record import record_learn
from learnlib.tasks.sandbox import demo, sandbox
from learnlib.tasks.status import learn_status

ns = Collection(trigger_async_learn, record_learn, land, learn_status, learn_backlog, sandbox, demo)
ns.configure(invoke_defaults())
