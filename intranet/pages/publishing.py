"""Who may write and publish where in the page tree, and the review before publishing.

The page tree's sections (お知らせ, DX提案, 職員アンケート, 庁内ガイド) hang under the home
page. The DX PT (group ``dx-pt``) may add and edit pages in its three sections; only
the PT lead (``dx-pt-lead``) may publish. A PT member's 公開申請 goes through one
Wagtail workflow (公開承認, a GroupApprovalTask for the lead group) — Wagtail's page
moderation, not the electronic approvals (起案・決裁) of ``workflows/``.

``ensure_publishing_setup`` works with a migration's historical models (``apps``) or
the real ones, creates only what is missing, and is what the data migration, the demo
loader and the tests call.
"""

from __future__ import annotations

from django.apps import apps as global_apps

PT = "dx-pt"
PT_LEAD = "dx-pt-lead"

WORKFLOW_NAME = "公開承認（DX推進PTリーダー）"
TASK_NAME = "公開承認"

# (app label, model, slug, title): the sections the PT writes in, under the home page.
PT_SECTIONS = [
    ("news", "newsindexpage", "news", "お知らせ"),
    ("proposals", "proposalindexpage", "proposals", "DX提案"),
    ("surveys", "surveyindexpage", "surveys", "職員アンケート"),
]
GUIDES = ("pages", "standardpage", "guides", "庁内ガイド")

MEMBER_PERMISSIONS = ["add_page", "change_page"]
LEAD_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
PAGE_PERMISSION_NAMES = {
    "add_page": "Can add page",
    "change_page": "Can change page",
    "publish_page": "Publish any page",
    "lock_page": "Lock/unlock pages you've locked",
    "unlock_page": "Unlock any page",
}
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_STEPLEN = 4


def _path_step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(_ALPHABET))
        digits = _ALPHABET[rest] + digits
    return digits.rjust(_STEPLEN, "0")


def _ensure_child(apps, parent, app_label, model_name, slug, title):
    """The child of ``parent`` with ``slug``, created (as a treebeard node) if missing."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Model = apps.get_model(app_label, model_name)
    children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    existing = children.filter(slug=slug).first()
    if existing is not None:
        return existing
    last = children.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-_STEPLEN:], len(_ALPHABET)) + 1 if last else 1
    content_type, _created = ContentType.objects.get_or_create(
        app_label=app_label, model=model_name
    )
    page = Model(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=parent.path + _path_step(number),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        live=True,
        has_unpublished_changes=False,
        locale_id=parent.locale_id,
    )
    # Model.save_base: no Page.full_clean (historical models have none anyway).
    page.save_base()
    Page.objects.filter(pk=parent.pk).update(numchild=children.count())
    return Page.objects.get(pk=page.pk)


def _permission(apps, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    if codename == "access_admin":
        content_type, _created = ContentType.objects.get_or_create(
            app_label="wagtailadmin", model="admin"
        )
        name = "Can access Wagtail admin"
    else:
        content_type, _created = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="page"
        )
        name = PAGE_PERMISSION_NAMES[codename]
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def ensure_publishing_setup(apps=global_apps) -> None:
    """Create the PT's sections, groups, page permissions and the 公開承認 workflow."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    HomePage = apps.get_model("home", "HomePage")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    member, _created = Group.objects.get_or_create(name=PT)
    lead, _created = Group.objects.get_or_create(name=PT_LEAD)
    access_admin = _permission(apps, "access_admin")
    member.permissions.add(access_admin)
    lead.permissions.add(access_admin)

    home = HomePage.objects.order_by("pk").first()
    if home is None:  # a database without the site yet (tests create it later)
        return
    sections = [_ensure_child(apps, home, *section) for section in PT_SECTIONS]
    _ensure_child(apps, home, *GUIDES)

    for group, codenames in ((member, MEMBER_PERMISSIONS), (lead, LEAD_PERMISSIONS)):
        for codename in codenames:
            permission = _permission(apps, codename)
            for page in sections:
                GroupPagePermission.objects.get_or_create(
                    group=group, page_id=page.pk, permission=permission
                )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME,
            active=True,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
    task.groups.add(lead)
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    for page in sections:
        WorkflowPage.objects.update_or_create(
            page_id=page.pk, defaults={"workflow": workflow}
        )
