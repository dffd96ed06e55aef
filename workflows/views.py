from django.http import Http404


def inbox(request):
    raise Http404


def document_page(request, pk):
    raise Http404


def attachment(request, pk, attachment_pk):
    raise Http404
