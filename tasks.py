"""learnlib's Invoke collection: `invoke --list` shows the tasks, `invoke --help TASK` options."""

from invoke.collection import Collection

from learnlib.config import DEFAULTS
from learnlib.tasks.backlog import learn_backlog
from learnlib.tasks.land import land
from learnlib.tasks.learn import trigger_async_learn
from learnlib.tasks.record import record_learn
from learnlib.tasks.sandbox import demo, sandbox
from learnlib.tasks.status import learn_status

ns = Collection(trigger_async_learn, record_learn, land, learn_status, learn_backlog, sandbox, demo)
ns.configure(DEFAULTS)
