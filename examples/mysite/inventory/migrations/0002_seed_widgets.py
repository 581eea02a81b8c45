"""Data migration: seed the three widgets that ctl's tests and demo look for."""

from django.db import migrations

SEED = [
    ("sprocket", 42),
    ("gear", 7),
    ("cog", 0),
]


def seed_widgets(apps, schema_editor):
    Widget = apps.get_model("inventory", "Widget")
    db = schema_editor.connection.alias
    for name, quantity in SEED:
        Widget.objects.using(db).update_or_create(name=name, defaults={"quantity": quantity})


def unseed_widgets(apps, schema_editor):
    Widget = apps.get_model("inventory", "Widget")
    db = schema_editor.connection.alias
    Widget.objects.using(db).filter(name__in=[name for name, _ in SEED]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_widgets, unseed_widgets),
    ]
