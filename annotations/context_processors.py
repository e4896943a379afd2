"""Template context shared by every page."""


def csp_nonce(request) -> dict:
    """The request's CSP nonce as `csp_nonce`, the name django-htmx's {% htmx_script %} reads."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
