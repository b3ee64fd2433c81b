from .task import TaskSet, SequentialTaskSet, tag, task
from .users import HttpUser, User
from .wait_time import between, constant, constant_pacing, constant_throughput
