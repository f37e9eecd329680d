"""Phone numbers and the postcode without its space join ``search_text``.

A generated column cannot be altered in place, so it is dropped and added
again with the new expression (the database fills it for every row)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_possible_duplicates_moved"),
    ]

    operations = [
        migrations.RemoveField(model_name="user", name="search_text"),
        migrations.AddField(
            model_name="user",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    django.db.models.functions.text.Concat(
                        "full_name",
                        models.Value(" "),
                        "preferred_name",
                        models.Value(" "),
                        "email",
                        models.Value(" "),
                        "postcode",
                        models.Value(" "),
                        django.db.models.functions.text.Replace(
                            "postcode", models.Value(" "), models.Value("")
                        ),
                        models.Value(" "),
                        django.db.models.functions.text.Replace(
                            "mobile", models.Value("+44"), models.Value("0")
                        ),
                        models.Value(" "),
                        django.db.models.functions.text.Replace(
                            "phone", models.Value(" "), models.Value("")
                        ),
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
    ]
