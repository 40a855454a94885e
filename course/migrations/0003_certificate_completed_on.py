from django.db import migrations, models


def fill_completed_on(apps, schema_editor):
    # Certificates issued before this field existed: the completion's date (UTC).
    Certificate = apps.get_model("course", "Certificate")
    for certificate in Certificate.objects.select_related("completion").iterator():
        certificate.completed_on = certificate.completion.completed_at.date()
        certificate.save(update_fields=["completed_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("course", "0002_course_require_all_lessons_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="completed_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill_completed_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="completed_on",
            field=models.DateField(help_text="The learner's local date of completion."),
        ),
    ]
