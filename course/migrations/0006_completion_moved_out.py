"""Completion and certificates now belong to the completion app, which took over their
tables in its migration 0001: this only drops them from the course app's state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('course', '0005_certificate_number'),
        ('completion', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='coursecompletion',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='coursecompletion',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),
                migrations.DeleteModel(
                    name='CourseCompletion',
                ),
            ],
            database_operations=[],
        ),
    ]
