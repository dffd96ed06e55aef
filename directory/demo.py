"""The demo ward's organisation and staff (fictitious people)."""

import datetime

from django.contrib.auth.models import Group

from . import roles, services
from .models import OrgUnit, Person, Post

DEMO_PASSWORD = "demo"  # noqa: S105 - documented; load_demo_data refuses unless DEBUG
FISCAL_START = datetime.date(2026, 4, 1)

POSTS = [
    # code, name, rank, heads a unit
    ("kucho", "区長", 10, True),
    ("fukukucho", "副区長", 20, True),
    ("bucho", "部長", 30, True),
    ("kacho", "課長", 40, True),
    ("tanto-kacho", "担当課長", 45, False),
    ("kakaricho", "係長", 50, True),
    ("shunin", "主任", 60, False),
    ("shuji", "主事", 70, False),
]

# code, name, kana, short name, kind, parent code
UNITS = [
    ("ward", "千代田区", "ちよだく", "千代田区", OrgUnit.Kind.WARD, None),
    ("somu-bu", "総務部", "そうむぶ", "総務部", OrgUnit.Kind.DEPARTMENT, "ward"),
    ("somu-ka", "総務課", "そうむか", "総務課", OrgUnit.Kind.SECTION, "somu-bu"),
    ("shomu-kakari", "庶務係", "しょむがかり", "総務課", OrgUnit.Kind.UNIT, "somu-ka"),
    (
        "bunsho-kakari",
        "文書係",
        "ぶんしょがかり",
        "総務課",
        OrgUnit.Kind.UNIT,
        "somu-ka",
    ),
    (
        "johoseisaku-ka",
        "情報政策課",
        "じょうほうせいさくか",
        "情報政策課",
        OrgUnit.Kind.SECTION,
        "somu-bu",
    ),
    (
        "system-kakari",
        "情報システム係",
        "じょうほうしすてむがかり",
        "情報政策課",
        OrgUnit.Kind.UNIT,
        "johoseisaku-ka",
    ),
    (
        "seisaku-bu",
        "政策経営部",
        "せいさくけいえいぶ",
        "政策経営部",
        OrgUnit.Kind.DEPARTMENT,
        "ward",
    ),
    ("kikaku-ka", "企画課", "きかくか", "企画課", OrgUnit.Kind.SECTION, "seisaku-bu"),
    (
        "kikaku-kakari",
        "企画係",
        "きかくがかり",
        "企画課",
        OrgUnit.Kind.UNIT,
        "kikaku-ka",
    ),
    ("zaisei-ka", "財政課", "ざいせいか", "財政課", OrgUnit.Kind.SECTION, "seisaku-bu"),
    ("kumin-bu", "区民部", "くみんぶ", "区民部", OrgUnit.Kind.DEPARTMENT, "ward"),
    (
        "koseki-ka",
        "戸籍住民課",
        "こせきじゅうみんか",
        "戸籍住民課",
        OrgUnit.Kind.SECTION,
        "kumin-bu",
    ),
    (
        "kansa",
        "監査事務局",
        "かんさじむきょく",
        "監査事務局",
        OrgUnit.Kind.OFFICE,
        "ward",
    ),
    (
        "dx-pt",
        "DX推進プロジェクトチーム",
        "でぃーえっくすすいしんぷろじぇくとちーむ",
        "DX推進PT",
        OrgUnit.Kind.TEAM,
        "kikaku-ka",
    ),
]

# username, surname, given name, surname kana, given kana, romaji, unit, post, extension
PEOPLE = [
    (
        "kucho",
        "山田",
        "太郎",
        "ヤマダ",
        "タロウ",
        "Taro Yamada",
        "ward",
        "kucho",
        "1001",
    ),
    (
        "fukukucho",
        "中村",
        "洋子",
        "ナカムラ",
        "ヨウコ",
        "Yoko Nakamura",
        "ward",
        "fukukucho",
        "1002",
    ),
    (
        "tanaka",
        "田中",
        "誠",
        "タナカ",
        "マコト",
        "Makoto Tanaka",
        "somu-bu",
        "bucho",
        "2001",
    ),
    (
        "takahashi",
        "高橋",
        "健二",
        "タカハシ",
        "ケンジ",
        "Kenji Takahashi",
        "somu-ka",
        "kacho",
        "2101",
    ),
    (
        "suzuki",
        "鈴木",
        "一郎",
        "スズキ",
        "イチロウ",
        "Ichiro Suzuki",
        "shomu-kakari",
        "kakaricho",
        "2111",
    ),
    (
        "sato",
        "佐藤",
        "花子",
        "サトウ",
        "ハナコ",
        "Hanako Sato",
        "shomu-kakari",
        "shuji",
        "2112",
    ),
    (
        "kimura",
        "木村",
        "翔太",
        "キムラ",
        "ショウタ",
        "Shota Kimura",
        "shomu-kakari",
        "shunin",
        "2113",
    ),
    (
        "hayashi",
        "林",
        "美咲",
        "ハヤシ",
        "ミサキ",
        "Misaki Hayashi",
        "bunsho-kakari",
        "kakaricho",
        "2121",
    ),
    (
        "shimizu",
        "清水",
        "大樹",
        "シミズ",
        "ダイキ",
        "Daiki Shimizu",
        "johoseisaku-ka",
        "kacho",
        "2201",
    ),
    (
        "admin",
        "山本",
        "直樹",
        "ヤマモト",
        "ナオキ",
        "Naoki Yamamoto",
        "system-kakari",
        "kakaricho",
        "2211",
    ),
    (
        "inoue",
        "井上",
        "隆",
        "イノウエ",
        "タカシ",
        "Takashi Inoue",
        "seisaku-bu",
        "bucho",
        "3001",
    ),
    (
        "matsumoto",
        "松本",
        "恵",
        "マツモト",
        "メグミ",
        "Megumi Matsumoto",
        "kikaku-ka",
        "kacho",
        "3101",
    ),
    (
        "watanabe",
        "渡辺",
        "大輔",
        "ワタナベ",
        "ダイスケ",
        "Daisuke Watanabe",
        "kikaku-kakari",
        "kakaricho",
        "3111",
    ),
    (
        "ito",
        "伊藤",
        "さくら",
        "イトウ",
        "サクラ",
        "Sakura Ito",
        "kikaku-kakari",
        "shuji",
        "3112",
    ),
    (
        "yamaguchi",
        "山口",
        "修",
        "ヤマグチ",
        "オサム",
        "Osamu Yamaguchi",
        "zaisei-ka",
        "kacho",
        "3201",
    ),
    (
        "saito",
        "斎藤",
        "由美",
        "サイトウ",
        "ユミ",
        "Yumi Saito",
        "kumin-bu",
        "bucho",
        "4001",
    ),
    (
        "kobayashi",
        "小林",
        "拓也",
        "コバヤシ",
        "タクヤ",
        "Takuya Kobayashi",
        "koseki-ka",
        "shuji",
        "4112",
    ),
    (
        "kato",
        "加藤",
        "明美",
        "カトウ",
        "アケミ",
        "Akemi Kato",
        "kansa",
        "kacho",
        "5001",
    ),
]

# Concurrent posts (兼務): the PT lead and member also sit in the DX PT.
CONCURRENT = [
    ("watanabe", "dx-pt", "kakaricho"),
    ("ito", "dx-pt", "shuji"),
]

GROUPS = {
    roles.DX_PT: ["ito", "watanabe"],
    roles.DX_PT_LEAD: ["watanabe"],
    roles.AUDITORS: ["kato"],
    roles.APPROVAL_ADMINS: ["hayashi", "admin"],
    roles.FACILITY_MANAGERS: ["kimura", "admin"],
    roles.DIRECTORY_ADMINS: ["admin"],
}


def load(*, stdout) -> None:
    posts = {}
    for code, name, rank, heads in POSTS:
        posts[code], _created = Post.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank, "heads_unit": heads}
        )
    units: dict[str, OrgUnit] = {}
    for order, (code, name, kana, short, kind, parent) in enumerate(UNITS):
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            unit = OrgUnit(code=code, valid_from=FISCAL_START)
        unit.name, unit.name_kana, unit.short_name, unit.kind = name, kana, short, kind
        unit.parent = units[parent] if parent else None
        unit.sort_order = order
        unit.save()
        units[code] = unit
    people: dict[str, Person] = {}
    for row in PEOPLE:
        username, surname, given, surname_kana, given_kana, romaji, unit, post, ext = (
            row
        )
        person, created = Person.objects.get_or_create(
            username=username,
            defaults={
                "last_name": surname,
                "first_name": given,
                "last_name_kana": surname_kana,
                "first_name_kana": given_kana,
                "romaji_name": romaji,
                "email": f"{username}@ward.example.jp",
                "extension": ext,
            },
        )
        if created:
            person.set_password(DEMO_PASSWORD)
            person.is_staff = username == "admin"
            person.is_superuser = username == "admin"
            person.save()
            services.appoint(
                person=person,
                unit=units[unit],
                post=posts[post],
                valid_from=FISCAL_START,
            )
        people[username] = person
    for username, unit, post in CONCURRENT:
        person = people[username]
        if not person.memberships.filter(unit=units[unit], is_primary=False).exists():
            services.appoint(
                person=person,
                unit=units[unit],
                post=posts[post],
                primary=False,
                valid_from=FISCAL_START,
            )
    for name, usernames in GROUPS.items():
        group = Group.objects.get(name=name)
        group.user_set.add(*(people[username] for username in usernames))
    stdout.write(f"  directory: {len(units)} units, {len(people)} people")
