"""Return rows take their times from the services' clock (``now``), not from the insert."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('returns', '0004_alter_returnevent_options_alter_returnline_options'),
    ]

    operations = [
        migrations.AlterField(
            model_name='returnrequest',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='returnrequest',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated at'),
        ),
    ]
