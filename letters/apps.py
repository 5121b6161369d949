from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Letters to officials"

    def ready(self) -> None:
        from accounts import personal_data
        from campaigns import actions

        from .personal_data import LettersData, letter_actions

        personal_data.register(LettersData())
        actions.register(letter_actions)
