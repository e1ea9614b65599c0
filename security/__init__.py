"""Security hardening: login throttling, two-factor sign-in, content security policy, headers."""
