"""learnlib's Invoke collection: `invoke --list` shows the tasks, `invoke --help TASK` their options."""

from invoke import Collection

from learnlib.config import DEFAULTS
from learnlib.tasks.learn import trigger_async_learn

ns = Collection(trigger_async_learn)
ns.configure(DEFAULTS)
