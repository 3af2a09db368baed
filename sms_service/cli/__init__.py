"""`flask` commands: the command-line edge. Each command group calls inward."""

from sms_service.cli.broadcasts import broadcasts_cli
from sms_service.cli.console import console_cli
from sms_service.cli.figures import figures_cli
from sms_service.cli.people import people_cli
from sms_service.cli.petitions import petitions_cli
from sms_service.cli.quizzes import quizzes_cli
from sms_service.cli.service import db_cli, flows_cli, sms_cli


def register_commands(app):
    for command in (db_cli, flows_cli, sms_cli, broadcasts_cli, quizzes_cli, console_cli, petitions_cli,
                    figures_cli, people_cli):
        app.cli.add_command(command)
