"""The price floors (the Homecare Association minimum price and each council's cost of care) move from finance to
reference data, so every app that prices care can read them; their tables stay as they are."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("reference", "0002_areapostcode"),
        ("finance", "0005_lifecycles_as_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MinimumPrice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("starts_on", models.DateField(unique=True)),
                        ("ends_on", models.DateField(blank=True, null=True)),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("national_living_wage", models.DecimalField(decimal_places=2, max_digits=12)),
                    ],
                    options={"db_table": "finance_minimumprice"},
                ),
                migrations.CreateModel(
                    name="CostOfCare",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("pay_per_hour", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("on_costs_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                        ("travel_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                        ("mileage_per_hour", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("training_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                        ("supervision_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                        ("overheads_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                        ("return_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                        ("hourly_rate", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("starts_on", models.DateField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "council",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.organisation",
                            ),
                        ),
                    ],
                    options={"db_table": "finance_costofcare"},
                ),
            ],
            database_operations=[],
        )
    ]
