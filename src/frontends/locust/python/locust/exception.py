"""Locust's exceptions, with the meaning Locust gives them."""


class LocustError(Exception):
    pass


class ResponseError(Exception):
    pass


class CatchResponseError(Exception):
    pass


class MissingWaitTimeError(LocustError):
    pass


class InterruptTaskSet(Exception):
    """Ends the running TaskSet; its parent runs next (at once unless reschedule is False)."""

    def __init__(self, reschedule=True):
        super().__init__(reschedule)
        self.reschedule = reschedule


class StopUser(Exception):
    pass


class RescheduleTask(Exception):
    """Ends the task at once; the user waits, then picks its next task."""


class RescheduleTaskImmediately(Exception):
    """Ends the task at once; the user picks its next task without waiting."""


class RunnerAlreadyExistsError(Exception):
    pass
