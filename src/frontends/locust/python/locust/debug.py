"""locust.run_single_user: Locust's way to step through one user in a debugger (`python3 locustfile.py`
with `if __name__ == "__main__": run_single_user(MyUser)`). squall imports the locustfile as a module,
never as __main__, so that call does not run; called anyway, it says what to run instead."""


def run_single_user(user_class, include_length=False, include_time=False, include_context=False,
                    include_payload=False, loglevel="WARNING"):
    name = getattr(user_class, "__name__", "UserClass")
    raise RuntimeError(f"run_single_user({name}) is Locust's debugger entry point; with squall, run one user "
                       f"with `squall run LOCUSTFILE.py -u 1 {name}`")
