"""Commands and settings that behave well on a site set up only partly, or beside other servers."""

from flask.testing import FlaskCliRunner


def test_send_outbox_on_a_site_without_mail_says_so_and_succeeds(runner: FlaskCliRunner):
    run = runner.invoke(args=["send-outbox"])

    assert run.exit_code == 0, run.output
    assert run.output == (
        "nothing sent: no mail server is set up: set ADVOCACY_SMTP_URL to send the outbox\n"
    )
