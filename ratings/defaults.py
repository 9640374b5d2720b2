"""The default standardised-branch standard (标准化规范化), 100 points in all.

The data migration and `criteria_ensure_defaults()` both start from here;
after that administrators own the standard in the Django admin. Item names
are data (Chinese, like the organisations' names), not interface strings.
"""

from __future__ import annotations

# (code, name, maximum points, what is assessed)
DEFAULT_CRITERIA: tuple[tuple[str, str, int, str], ...] = (
    ("setup", "组织设置", 10, "应建必建、按期换届、隶属关系清晰"),
    ("leadership", "班子建设", 15, "书记选优配强、支委分工明确、书记抓党建述职"),
    ("life", "组织生活（三会一课）", 20, "三会一课、主题党日、组织生活会和民主评议党员"),
    ("members", "党员管理", 15, "党员发展、教育管理、组织关系接转、党费收缴"),
    ("records", "制度台账", 10, "工作制度健全、台账记录规范、阵地建设"),
    ("role", "作用发挥", 20, "引领社会组织依法执业、服务群众、参与社会治理和公益"),
    ("development", "发展双强（双强）", 10, "党建强、发展强：社会组织评估等级、诚信记录、表彰"),
)

# stars -> lowest total that earns them
DEFAULT_THRESHOLDS: dict[int, int] = {1: 0, 2: 60, 3: 70, 4: 80, 5: 90}
