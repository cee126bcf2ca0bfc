from django.db import migrations


def seed(apps, schema_editor):
    from banpum.logistics.catalogue import carrier_rows

    Carrier = apps.get_model("logistics", "Carrier")
    for row in carrier_rows():
        Carrier.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("logistics", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
