"""The parser that init_command_line_parser listeners extend with the locustfile's own flags.

squall reads its (Locust's) flags itself and passes on the ones it does not know; this parser reads
those, so `--my-flag x` lands in environment.parsed_options.my_flag, as in Locust."""
import argparse
import os


class OptionsError(Exception):
    """A flag that neither squall nor the locustfile knows, or a value its flag rejects."""


_TRUE_WORDS = ("1", "true", "yes", "on")


def _argparse_kwargs(kwargs):
    """Locust's own add_argument keywords: env_var gives the default from that variable (as
    configargparse does); the web UI's include_in_web_ui / is_secret / is_required / is_multiple are
    accepted and have nothing to do here."""
    env_var = kwargs.pop("env_var", None)
    for name in ("include_in_web_ui", "is_secret", "is_required", "is_multiple"):
        kwargs.pop(name, None)
    if env_var and env_var in os.environ:
        value = os.environ[env_var]
        action = kwargs.get("action")
        if action in ("store_true", "store_false"):
            chosen = value.strip().lower() in _TRUE_WORDS
            kwargs["default"] = chosen if action == "store_true" else not chosen
        else:
            kwargs["default"] = value  # argparse applies `type` to a string default
    return kwargs


class LocustArgumentParser(argparse.ArgumentParser):
    def __init__(self):
        super().__init__(prog="squall locust", add_help=False, allow_abbrev=False)

    def add_argument(self, *args, **kwargs):
        return super().add_argument(*args, **_argparse_kwargs(kwargs))

    def add_argument_group(self, *args, **kwargs):
        group = super().add_argument_group(*args, **kwargs)
        plain = group.add_argument
        group.add_argument = lambda *a, **kw: plain(*a, **_argparse_kwargs(kw))
        return group

    def error(self, message):
        raise OptionsError(message)


def parse_locustfile_options(parser, words):
    """(the options the listeners defined, with defaults; the words that are no flag of theirs and
    do not start with '-', i.e. User class names). Raises OptionsError for an unknown flag."""
    parsed, rest = parser.parse_known_args(words)
    unknown = [word for word in rest if word.startswith("-")]
    if unknown:
        raise OptionsError(f"unknown flag '{unknown[0]}' (neither squall's nor one the locustfile adds "
                           "with events.init_command_line_parser)")
    return vars(parsed), rest
