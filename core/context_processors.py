from django.conf import settings


def site(request):
    return {"org_name": settings.TERANG_ORGANISATION_NAME}
