"""Connected in ``ApiConfig.ready``: events from the action apps become webhook deliveries."""


def connect() -> None:
    pass
