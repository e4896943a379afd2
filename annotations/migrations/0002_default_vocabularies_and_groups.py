"""Create the Annotator and Adjudicator groups and the default vocabularies.

Values are stable English slugs (exports use them); labels are editable in the
admin. Sources: X-Fact / Misbar / Factnameh label maps, AVeriTeC, FEVER,
Full Fact, ClaimBuster.
"""

from django.db import migrations

GROUPS = ["Annotator", "Adjudicator"]

# (slug, English, Arabic, Persian[, ordinal rank])
VERDICTS = [
    ("unassessed", "Unassessed", "لم يُقيَّم بعد", "ارزیابی‌نشده", None),
    ("true", "True", "صحيح", "درست", 6),
    ("mostly_true", "Mostly true", "صحيح في معظمه", "عمدتاً درست", 5),
    ("mixed", "Mixed", "مختلط", "نیمه‌درست", 4),
    ("misleading", "Misleading", "مضلل", "گمراه‌کننده", 3),
    ("mostly_false", "Mostly false", "خاطئ في معظمه", "عمدتاً نادرست", 2),
    ("false", "False", "زائف", "نادرست", 1),
    ("unverifiable", "Unverifiable", "غير قابل للتحقق", "غیرقابل‌راستی‌آزمایی", None),
    ("satire_or_myth", "Satire or myth", "ساخر أو خرافة", "طنز یا افسانه", None),
    ("not_checkable", "Not checkable", "غير قابل للفحص", "غیرقابل‌بررسی", None),
]
CLAIM_TYPES = [
    ("numerical", "Numerical", "رقمي", "عددی"),
    ("quote", "Quote", "اقتباس", "نقل‌قول"),
    ("event", "Event", "حدث", "رویداد"),
    ("causal", "Causal", "سببي", "علّی"),
    ("position", "Position", "موقف", "موضع"),
    ("prediction", "Prediction", "توقّع", "پیش‌بینی"),
    ("law_rule", "Law or rule", "قانون أو قاعدة", "قانون یا قاعده"),
    ("personal_experience", "Personal experience", "تجربة شخصية", "تجربهٔ شخصی"),
    ("media_authenticity", "Media authenticity", "أصالة الوسائط", "اصالت رسانه"),
]
CHECK_WORTHINESS = [
    ("check_worthy", "Check-worthy", "جدير بالتحقق", "درخور راستی‌آزمایی"),
    ("factual_unimportant", "Factual, unimportant", "واقعي غير مهم", "واقعی، کم‌اهمیت"),
    ("not_factual", "Not factual", "ليس ادعاءً واقعياً", "غیرواقعی"),
]
ATTRIBUTIONS = [
    ("direct_quote", "Direct quote", "اقتباس مباشر", "نقل‌قول مستقیم"),
    ("paraphrase", "Paraphrase", "إعادة صياغة", "نقل به مضمون"),
    ("unattributed", "Unattributed (“sources said”)", "غير منسوب", "بدون انتساب"),
    ("author_assertion", "Author's assertion", "تأكيد الكاتب", "ادعای نویسنده"),
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for model_name, rows in [
        ("ClaimType", CLAIM_TYPES),
        ("CheckWorthiness", CHECK_WORTHINESS),
        ("Attribution", ATTRIBUTIONS),
    ]:
        model = apps.get_model("annotations", model_name)
        for position, (slug, label, label_ar, label_fa) in enumerate(rows):
            model.objects.update_or_create(
                slug=slug,
                defaults={"label": label, "label_ar": label_ar, "label_fa": label_fa, "position": position},
            )
    Verdict = apps.get_model("annotations", "Verdict")
    for position, (slug, label, label_ar, label_fa, rank) in enumerate(VERDICTS):
        Verdict.objects.update_or_create(
            slug=slug,
            defaults={
                "label": label,
                "label_ar": label_ar,
                "label_fa": label_fa,
                "position": position,
                "ordinal_rank": rank,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
