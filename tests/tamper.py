def tampered(token):
    """The token with its last character changed, so it can never equal the original."""
    return token[:-1] + ("B" if token.endswith("A") else "A")
