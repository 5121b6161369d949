from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Letters to officials"

    def ready(self) -> None:
        from accounts import personal_data
        from campaigns import actions, managed

        from .integrations import MANAGED, LettersData, letter_actions

        personal_data.register(LettersData())
        actions.register(letter_actions)
        managed.register(MANAGED)
