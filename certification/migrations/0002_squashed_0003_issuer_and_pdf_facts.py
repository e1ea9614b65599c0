"""0002 and 0003 (which synchronised the role groups by importing officers.roles, now done
after every migrate by officers.role_groups) in one. A fresh database runs this one; a database
that applied both has it marked as applied; the old files stay until every installation is past
0003.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("certification", "0002_issuer_and_pdf_facts"), ("certification", "0003_issuer_roles")]

    dependencies = [("certification", "0001_initial"), ("units", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='issuer',
            field=models.JSONField(blank=True, default=dict, verbose_name='issuing body and signatory'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='pdf_facts',
            field=models.JSONField(blank=True, default=dict, verbose_name='facts stated by the PDF'),
        ),
        migrations.AlterField(
            model_name='certificatelogentry',
            name='action',
            field=models.CharField(choices=[('issued', 'Issued'), ('renewed', 'Issued as a renewal'), ('superseded', 'Superseded by a renewal'), ('expired', 'Expired'), ('revoked', 'Revoked'), ('reissued', 'Reissued with corrected details')], max_length=12, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='CertificateIssuer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('governing_body', models.CharField(blank=True, help_text='Printed above the issuing body, e.g. “UBND TỈNH ĐIỆN BIÊN”. Optional.', max_length=200, verbose_name='governing body')),
                ('issuing_body', models.CharField(help_text='The body that issues the certificates, e.g. “SỞ NỘI VỤ”.', max_length=200, verbose_name='issuing body')),
                ('place', models.CharField(help_text='The place on the date line, e.g. “Điện Biên” (… , ngày … tháng … năm …).', max_length=100, verbose_name='place')),
                ('signatory_title', models.CharField(help_text='As printed above the signature, e.g. “GIÁM ĐỐC” or “KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC” (a “/” starts a new line).', max_length=200, verbose_name="signatory's title")),
                ('signatory_name', models.CharField(max_length=150, verbose_name="signatory's name")),
                ('province', models.OneToOneField(limit_choices_to={'level': 1, 'valid_to__isnull': True}, on_delete=django.db.models.deletion.PROTECT, related_name='certificate_issuer', to='units.administrativeunit', verbose_name='province')),
            ],
            options={
                'verbose_name': 'certificate issuing body',
                'verbose_name_plural': 'certificate issuing bodies',
                'ordering': ['province__code'],
            },
        ),
    ]
