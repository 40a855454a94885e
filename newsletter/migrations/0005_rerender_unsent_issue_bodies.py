"""Issues not yet sent get their body rendered the email way (newsletter.models.issue_html):
before, an editor's `# Heading` was cleaned away to plain text. Sent issues keep what
their subscribers got."""

from django.db import migrations


def rerender(apps, schema_editor):
    from newsletter.models import issue_html

    Issue = apps.get_model("newsletter", "Issue")
    for issue in Issue.objects.filter(send_started_at__isnull=True).only("pk", "body_md"):
        Issue.objects.filter(pk=issue.pk).update(body_html=issue_html(issue.body_md))


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0004_send_issue_permission")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop, elidable=True)]
