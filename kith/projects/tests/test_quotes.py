"""Quotes attached to a project: what files are taken, who may attach,
see and remove them, and that a refusal changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.projects import services
from kith.projects.models import Quote
from kith.projects.tests import factories

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def _pdf(data=PDF, name="quote.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _proposed(circle):
    return services.project_propose(
        actor=circle.member,
        locality=circle.locality,
        answers=factories.project_answers(),
    )


def test_the_proposer_attaches_a_pdf_kept_as_sent(testford):
    project = _proposed(testford)
    quote = services.quote_add(
        actor=testford.member,
        project=project,
        upload=_pdf(),
        description="Timber, from Barnet Timber",
    )
    assert quote.file_format == "pdf" and bytes(quote.data) == PDF
    assert quote.size == len(PDF)
    assert AuditEvent.objects.filter(action="project_quote_added").count() == 1


def test_a_photo_of_a_paper_quote_is_re_encoded_without_location(testford):
    project = _proposed(testford)
    quote = services.quote_add(
        actor=testford.member,
        project=project,
        upload=factories.photo_upload("quote.jpg"),
        description="Topsoil",
    )
    assert quote.file_format == "jpeg"
    assert b"PhoneMaker" not in bytes(quote.data)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "quote.pdf", "must be a PDF"),
        (b"PK\x03\x04 a word document", "quote.docx", "must be a PDF"),
        (PDF.replace(b"%%EOF", b""), "quote.pdf", "damaged"),
        (
            PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /JS (x) >>"),
            "quote.pdf",
            "scripts",
        ),
    ],
)
def test_anything_but_a_plain_pdf_or_a_photo_is_refused(testford, data, name, message):
    project = _proposed(testford)
    with pytest.raises(ApplicationError, match=message):
        services.quote_add(
            actor=testford.member,
            project=project,
            upload=_pdf(data, name),
            description="Timber",
        )
    assert not Quote.objects.exists()


def test_a_file_over_the_limit_is_refused(testford, settings):
    settings.KITH_QUOTE_MAX_BYTES = 100
    project = _proposed(testford)
    with pytest.raises(ApplicationError, match="smaller than"):
        services.quote_add(
            actor=testford.member, project=project, upload=_pdf(), description="x"
        )
    assert not Quote.objects.exists()


def test_a_quote_needs_a_description_and_an_open_project(testford):
    project = _proposed(testford)
    with pytest.raises(ApplicationError, match="Say what the quote is for"):
        services.quote_add(
            actor=testford.member, project=project, upload=_pdf(), description=" "
        )
    done = factories.published_project(testford, title="Another")
    done.status = "closed"
    done.save()
    with pytest.raises(ApplicationError, match="no longer"):
        services.quote_add(
            actor=testford.member, project=done, upload=_pdf(), description="Soil"
        )
    assert not Quote.objects.exists()


@pytest.mark.parametrize("role", ["helper", "supporter", "organisation_editor"])
def test_people_who_do_not_organise_it_may_not_attach(testford, role):
    project = _proposed(testford)
    with pytest.raises(PermissionDenied):
        services.quote_add(
            actor=getattr(testford, role),
            project=project,
            upload=_pdf(),
            description="Timber",
        )
    assert not Quote.objects.exists()


def test_a_quote_is_removed_before_publishing_but_kept_after(testford):
    project = _proposed(testford)
    quote = services.quote_add(
        actor=testford.member, project=project, upload=_pdf(), description="Timber"
    )
    services.quote_remove(actor=testford.member, quote=quote)
    assert not Quote.objects.exists()
    published = factories.published_project(testford, title="Open one")
    kept = services.quote_add(
        actor=testford.member, project=published, upload=_pdf(), description="Soil"
    )
    with pytest.raises(ApplicationError, match="once the project is published"):
        services.quote_remove(actor=testford.member, quote=kept)
    assert Quote.objects.filter(pk=kept.pk).exists()


def test_the_pages_attach_show_and_download_a_quote(client, testford):
    project = _proposed(testford)
    client.force_login(testford.member)
    done_page = client.get(reverse("projects:project", args=[project.uuid]))
    assert reverse("projects:quote_add", args=[project.uuid]) in done_page.text
    refused = client.post(
        reverse("projects:quote_add", args=[project.uuid]),
        {"quote": _pdf(b"not a pdf"), "description": "Timber"},
    )
    assert "must be a PDF or a photo" in refused.text
    assert not Quote.objects.exists()
    response = client.post(
        reverse("projects:quote_add", args=[project.uuid]),
        {"quote": _pdf(), "description": "Timber, from Barnet Timber"},
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    page = client.get(project.get_absolute_url()).text
    assert "Timber, from Barnet Timber" in page
    url = reverse("projects:quote_file", args=[project.uuid, quote.uuid])
    download = client.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content == PDF
    # The officer sees it and how many there are on the check page.
    client.force_login(testford.council_officer)
    assert client.get(url).content == PDF
    check = client.get(reverse("projects:project_check", args=[project.uuid])).text
    assert "Quotes attached: 1." in check


@pytest.mark.parametrize("who", ["anonymous", "helper", "organisation_editor"])
def test_the_public_and_others_never_see_a_quote(client, testford, who):
    project = factories.published_project(testford)
    quote = services.quote_add(
        actor=testford.member, project=project, upload=_pdf(), description="Timber"
    )
    if who != "anonymous":
        client.force_login(getattr(testford, who))
    page = client.get(project.get_absolute_url()).text
    assert "Timber" in page  # the cost item, not the quote
    assert str(quote.uuid) not in page
    url = reverse("projects:quote_file", args=[project.uuid, quote.uuid])
    assert client.get(url).status_code in (302, 404)
    add = client.get(reverse("projects:quote_add", args=[project.uuid]))
    assert add.status_code in (302, 404)


def test_another_locality_never_reaches_a_quote(client, testford, elsewhere):
    project = _proposed(testford)
    quote = services.quote_add(
        actor=testford.member, project=project, upload=_pdf(), description="Timber"
    )
    client.force_login(elsewhere.council_officer)
    url = reverse("projects:quote_file", args=[project.uuid, quote.uuid])
    assert client.get(url).status_code == 404


def test_the_remove_button_removes_and_says_so(client, testford):
    project = _proposed(testford)
    quote = services.quote_add(
        actor=testford.member, project=project, upload=_pdf(), description="Timber"
    )
    client.force_login(testford.helper)
    url = reverse("projects:quote_remove", args=[project.uuid, quote.uuid])
    assert client.post(url).status_code == 404
    client.force_login(testford.member)
    response = client.post(url, follow=True)
    assert "Quote removed: Timber." in response.text
    assert not Quote.objects.exists()
