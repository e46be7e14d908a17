"""The HTTP API at /api/, documented at /api/docs (OpenAPI 3)."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Bearer tokens for integrations (create one on the “Token API” page)."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class UserSessionAuth(SessionAuth):
    """The browser session (with CSRF on writes); `request.auth` is the user."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and user.is_authenticated else None


api = NinjaAPI(
    title="Terang API",
    version="1",
    description="API Terang: organisasi, pegawai, impor daftar pegawai, "
    "dan siklus kinerja (SKP, realisasi, penilaian, hasil). "
    "Autentikasi: sesi peramban atau token Bearer.",
    auth=[TokenAuth(), UserSessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Tidak ditemukan."}, status=404)


api.add_router("/", "org.api.router")
api.add_router("/kinerja/", "performance.api.router")
