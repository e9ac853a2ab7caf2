"""The `advocacy` command (also `python -m advocacy`): Flask's command line around create_app, with
the commands of advocacy/cli.py."""

from flask.cli import FlaskGroup

from advocacy import create_app
from advocacy.doctor import explain_refusals


def main() -> None:
    # A setting the factory refuses is said in one line, not a traceback.
    FlaskGroup(
        create_app=explain_refusals(create_app), help="Advocacy: report cards, lawmakers and letters."
    )()


if __name__ == "__main__":
    main()
