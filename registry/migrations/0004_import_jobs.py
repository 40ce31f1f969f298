"""Register imports started from the registers pages (registry.ImportJob): the
uploaded file, how far the background import got and its report."""

import django.db.models.deletion
import registry.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_document_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=255, upload_to=registry.models.import_file_path, verbose_name='file')),
                ('filename', models.CharField(max_length=255, verbose_name='file name')),
                ('dry_run', models.BooleanField(default=False, verbose_name='check only')),
                ('language', models.CharField(blank=True, max_length=10, verbose_name='language of the report')),
                ('status', models.CharField(choices=[('queued', 'Waiting'), ('running', 'Importing'), ('done', 'Finished'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                ('rows_read', models.PositiveIntegerField(default=0, verbose_name='rows read')),
                ('rows_total', models.PositiveIntegerField(blank=True, null=True, verbose_name='rows in the file')),
                ('rows', models.PositiveIntegerField(default=0, verbose_name='rows found')),
                ('imported', models.PositiveIntegerField(default=0, verbose_name='documents imported')),
                ('error_count', models.PositiveIntegerField(default=0, verbose_name='errors')),
                ('report', models.JSONField(blank=True, default=dict, verbose_name='report')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                ('register', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='import_jobs', to='registry.register', verbose_name='register')),
            ],
            options={
                'verbose_name': 'register import',
                'verbose_name_plural': 'register imports',
                'ordering': ['-created_at', '-id'],
            },
        ),
    ]
