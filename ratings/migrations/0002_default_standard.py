"""The default standardised-branch standard, so that a fresh database can open a round.

The values are written out here rather than imported: a migration must keep
meaning what it meant when it was written, whatever ratings/defaults.py
becomes later.
"""

from django.db import migrations

CRITERIA = (
    ("setup", "组织设置", 10, "应建必建、按期换届、隶属关系清晰"),
    ("leadership", "班子建设", 15, "书记选优配强、支委分工明确、书记抓党建述职"),
    ("life", "组织生活（三会一课）", 20, "三会一课、主题党日、组织生活会和民主评议党员"),
    ("members", "党员管理", 15, "党员发展、教育管理、组织关系接转、党费收缴"),
    ("records", "制度台账", 10, "工作制度健全、台账记录规范、阵地建设"),
    ("role", "作用发挥", 20, "引领社会组织依法执业、服务群众、参与社会治理和公益"),
    ("development", "发展双强（双强）", 10, "党建强、发展强：社会组织评估等级、诚信记录、表彰"),
)
THRESHOLDS = {1: 0, 2: 60, 3: 70, 4: 80, 5: 90}


def create_defaults(apps, schema_editor):
    Criterion = apps.get_model("ratings", "Criterion")
    StarThreshold = apps.get_model("ratings", "StarThreshold")
    if not Criterion.objects.exists():
        Criterion.objects.bulk_create([
            Criterion(code=code, name=name, max_points=points, description=description, sort_order=order)
            for order, (code, name, points, description) in enumerate(CRITERIA, start=1)
        ])
    if not StarThreshold.objects.exists():
        StarThreshold.objects.bulk_create([StarThreshold(stars=s, min_total=t) for s, t in THRESHOLDS.items()])


def remove_defaults(apps, schema_editor):
    apps.get_model("ratings", "Criterion").objects.filter(code__in=[c[0] for c in CRITERIA]).delete()
    apps.get_model("ratings", "StarThreshold").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
