from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Letters to officials"

    def ready(self) -> None:
        from accounts import personal_data, retention
        from campaigns import actions, managed

        from .integrations import MANAGED, RETENTION, LettersData, letter_actions

        personal_data.register(LettersData())
        retention.register(RETENTION)
        actions.register(letter_actions)
        managed.register(MANAGED)
