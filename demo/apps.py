from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data: `seed_demo` and `generate_synthetic`. It sits above every other
    app, none imports it, and its texts are data files under demo/content/."""

    name = "demo"
