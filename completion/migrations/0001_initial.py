"""The completion app takes over the course app's completion and certificate tables.

The models are created in the migration state only, on the tables the course app made
(course 0001-0005), which are then renamed: rows, ids, constraints and foreign keys
stay as they are. The content types (and with them the admin's permissions and log)
are moved over too. course 0006 then drops the models from the course app's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("coursecompletion", "certificate")


def _move(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor) -> None:
    _move(apps, "course", "completion")


def move_content_types_back(apps, schema_editor) -> None:
    _move(apps, "completion", "course")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('course', '0005_certificate_number'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CourseCompletion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('completed_at', models.DateTimeField()),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='completions', to='course.course')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='completions', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'course_coursecompletion',
                    },
                ),
                migrations.CreateModel(
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(default=1, help_text="1 for a completion's first certificate, one more for each reissue.")),
                        ('code', models.CharField(max_length=40, unique=True)),
                        ('name', models.CharField(max_length=150)),
                        ('profession', models.CharField(max_length=100)),
                        ('registration_number', models.CharField(max_length=50)),
                        ('course_title', models.CharField(max_length=200)),
                        ('cpd_hours', models.DecimalField(decimal_places=1, max_digits=4)),
                        ('completed_on', models.DateField(help_text="The learner's local date of completion.")),
                        ('issued_at', models.DateTimeField()),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_reason', models.CharField(blank=True, max_length=200)),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='course.course')),
                        ('replaced_by', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='replaces', to='completion.certificate')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificates', to=settings.AUTH_USER_MODEL)),
                        ('completion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificates', to='completion.coursecompletion')),
                    ],
                    options={
                        'ordering': ['-issued_at'],
                        'db_table': 'course_certificate',
                    },
                ),
                migrations.AddConstraint(
                    model_name='coursecompletion',
                    constraint=models.UniqueConstraint(fields=('user', 'course'), name='one_completion_per_course'),
                ),
                migrations.AddConstraint(
                    model_name='certificate',
                    constraint=models.UniqueConstraint(fields=('completion', 'number'), name='one_certificate_per_number'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='coursecompletion', table=None),
        migrations.AlterModelTable(name='certificate', table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
