"""The supporter's flow: the petition page, signing, confirming, withdrawing.

``views`` (public pages), ``forms``, ``services`` (sign, confirm), ``intake`` (anonymous
sign forms stored and signed by a drain task), ``abuse`` (the sign form's defences),
``emails`` and ``tokens`` (the signed links in them).
"""
