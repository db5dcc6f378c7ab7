from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0005_lifecycles_as_data"),
        ("reference", "0003_price_floors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="MinimumPrice"), migrations.DeleteModel(name="CostOfCare")],
            database_operations=[],
        )
    ]
