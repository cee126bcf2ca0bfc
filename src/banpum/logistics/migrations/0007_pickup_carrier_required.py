import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0006_fill_parcels_and_cancel_state"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pickup",
            name="carrier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pickups",
                to="logistics.carrier",
            ),
        ),
    ]
