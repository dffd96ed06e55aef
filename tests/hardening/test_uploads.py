"""Every upload: a size limit, the type taken from the bytes, stored outside the web
root, served through a view that checks, as a download that is never sniffed, and
HTML or SVG never rendered inline.

Uploads: approval attachments (workflows), floor plans (spaces, Django admin), staff
photos (directory), CMS documents (Wagtail).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from spaces.uploads import validate_plan_file

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
    b'width="10" height="10"><script>alert(1)</script><rect width="10" '
    b'height="10"/></svg>'
)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def assert_served_as_download(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type


# --- where files live ------------------------------------------------------------------


def test_uploads_live_outside_the_web_root():
    media = Path(settings.MEDIA_ROOT).resolve()
    files = Path(settings.APPROVALS["FILES_ROOT"]).resolve()
    static = [Path(settings.STATIC_ROOT).resolve()] + [
        Path(d).resolve() for d in settings.STATICFILES_DIRS
    ]
    for web_root in static:
        assert web_root not in media.parents and media != web_root
        assert web_root not in files.parents
    assert media not in files.parents
    # Django never serves MEDIA_ROOT itself outside development.
    assert not settings.DEBUG
    from intranet.urls import urlpatterns

    assert not any(str(p.pattern).startswith("media/") for p in urlpatterns)


# --- approval attachments --------------------------------------------------------------


def upload_through_the_page(client, document, name, content):
    return client.post(
        reverse("workflows:upload", args=[document.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", HTML, "一致しません"),
        ("drawing.svg", SVG_WITH_SCRIPT, "一致しません"),
        ("page.pdf", HTML, "一致しません"),
        ("photo.png", HTML, "一致しません"),
    ],
)
def test_html_and_svg_are_not_attached(world, client, name, content, message):
    client.force_login(world.office.applicant)
    response = upload_through_the_page(client, world.draft, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not world.draft.attachments.exists()


def test_html_in_a_text_file_is_served_as_plain_text_download(world, client):
    client.force_login(world.office.applicant)
    upload_through_the_page(client, world.draft, "memo.txt", HTML)
    attachment = world.draft.attachments.get()
    response = client.get(
        reverse("workflows:attachment", args=[world.draft.pk, attachment.pk])
    )
    assert_served_as_download(response, "text/plain")


def test_an_oversized_attachment_gets_a_message_not_an_error(world, client, settings):
    settings.APPROVALS = {**settings.APPROVALS, "ATTACHMENT_MAX_MB": 1}
    client.force_login(world.office.applicant)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)
    response = upload_through_the_page(client, world.draft, "big.pdf", big)
    assert response.status_code == 200
    assert "大きすぎます" in response.content.decode()
    assert not world.draft.attachments.exists()


# --- floor plans ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.svg", HTML),
        ("plan.png", HTML),
        ("plan.png", SVG_WITH_SCRIPT),
        ("plan.jpg", png_bytes()),
        ("plan.svg", b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'),
    ],
)
def test_a_floor_plan_must_be_what_its_name_says(name, content):
    with pytest.raises(ValidationError):
        validate_plan_file(SimpleUploadedFile(name, content))


def test_a_floor_plan_has_a_size_limit():
    big = SimpleUploadedFile("plan.png", png_bytes() + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="大きすぎます"):
        validate_plan_file(big)


def test_plans_of_each_kind_are_accepted():
    validate_plan_file(SimpleUploadedFile("plan.png", png_bytes()))
    validate_plan_file(SimpleUploadedFile("plan.svg", SVG_WITH_SCRIPT))
    validate_plan_file(SimpleUploadedFile("plan.svg", b"\xef\xbb\xbf<svg>\n</svg>"))


def test_the_admin_refuses_html_as_a_floor_plan(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    floor = world.campus.floor
    client.force_login(world.office.admin)
    response = client.post(
        f"/django-admin/spaces/floor/{floor.pk}/change/",
        {
            "building": floor.building_id,
            "name": floor.name,
            "level": floor.level,
            "plan": SimpleUploadedFile("plan.svg", HTML),
            "plan_width": 800,
            "plan_height": 400,
        },
    )
    assert response.status_code == 200
    assert "一致しません" in response.content.decode()
    floor.refresh_from_db()
    assert not floor.plan


def test_an_svg_plan_is_served_sandboxed_as_a_download(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    floor = world.campus.floor
    floor.plan.save("plan.svg", SimpleUploadedFile("plan.svg", SVG_WITH_SCRIPT))
    client.force_login(world.office.stranger)
    response = client.get(reverse("spaces:plan_image", args=[floor.pk]))
    assert_served_as_download(response, "image/svg+xml")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]
    # The floor page still draws it, as an <image> (scripts never run there).
    page = client.get(reverse("spaces:floor", args=[floor.pk])).content.decode()
    assert f'<image href="{reverse("spaces:plan_image", args=[floor.pk])}"' in page


# --- staff photos ---------------------------------------------------------------------


def post_photo(client, person, name, content):
    return client.post(
        reverse("directory:photo", args=[person.pk]),
        {"photo": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("me.html", HTML),
        ("me.png", HTML),
        ("me.svg", SVG_WITH_SCRIPT),
        ("me.jpg", png_bytes()),
        ("me.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!"),
    ],
)
def test_a_photo_must_be_a_jpeg_or_png(client, office, home_page, name, content):
    client.force_login(office.applicant)
    response = post_photo(client, office.applicant, name, content)
    assert response.status_code == 200
    office.applicant.refresh_from_db()
    assert not office.applicant.photo


def test_a_photo_is_served_as_a_download_of_its_type(
    client, office, home_page, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(office.applicant)
    post_photo(client, office.applicant, "me.png", png_bytes())
    office.applicant.refresh_from_db()
    assert office.applicant.photo
    client.force_login(office.stranger)
    response = client.get(office.applicant.photo_url)
    assert_served_as_download(response, "image/png")


# --- CMS documents --------------------------------------------------------------------


def test_cms_documents_are_always_downloads(
    client, office, home_page, settings, tmp_path
):
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path)
    document = Document(title="要綱")
    document.file.save("youkou.pdf", SimpleUploadedFile("youkou.pdf", b"%PDF-1.4\n"))
    document.save()
    client.force_login(office.stranger)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in settings.WAGTAILDOCS_EXTENSIONS
    assert "svg" not in settings.WAGTAILDOCS_EXTENSIONS


def docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("資料/一覧.csv", "番号,名称\n1,会議室\n")
    return buffer.getvalue()


def add_cms_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "collection": "1", "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("youkou.pdf", HTML, "ファイルの内容（Text）と拡張子（.pdf）が一致しません"),
        ("youkou.pdf", png_bytes(), "この種類のファイルは登録できません"),
        ("youkou.txt", b"\x00\x01binary\x00", "この種類のファイルは登録できません"),
        (
            "youkou.pdf",
            docx_bytes(),
            "ファイルの内容（Word）と拡張子（.pdf）が一致しません",
        ),
        (
            "youkou.docx",
            zip_bytes(),
            "ファイルの内容（ZIP）と拡張子（.docx）が一致しません",
        ),
        ("youkou.zip", b"PK\x03\x04 not really an archive", "この種類のファイル"),
    ],
)
def test_cms_documents_are_checked_by_their_bytes(
    client, office, home_page, settings, tmp_path, name, content, message
):
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(office.admin)
    response = add_cms_document(client, name, content)
    assert response.status_code == 200  # the form again, with the message
    html = response.content.decode()
    assert message in html
    assert "は許可されていません" not in html  # one message, not two
    assert not Document.objects.exists()
    # The multiple uploader (drag and drop) refuses it too.
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"title": name, "files[]": SimpleUploadedFile(name, content)},
    )
    assert response.json()["success"] is False
    assert message in response.json()["error_message"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("youkou.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("youkou.docx", docx_bytes()),
        ("youkou.zip", zip_bytes()),
        ("meibo.csv", "番号,氏名\n1,佐藤\n".encode("cp932")),
        ("memo.txt", "会議のメモ\n".encode()),
    ],
)
def test_cms_documents_of_each_kind_are_accepted(
    client, office, home_page, settings, tmp_path, name, content
):
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(office.admin)
    response = add_cms_document(client, name, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get().file.name.endswith(Path(name).suffix)
